import CRdKafka

extension KafkaError {
    /// The broker does not implement the request (librdkafka's `_UNSUPPORTED_FEATURE`).
    public var isUnsupportedFeature: Bool {
        code == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE.rawValue
    }

    /// A commit refused because the group has members and the committer is not one of them
    /// (`UNKNOWN_MEMBER_ID`, `ILLEGAL_GENERATION`, `REBALANCE_IN_PROGRESS`): the coordinator
    /// accepts commits from outside the group only while the group is empty.
    public var isRefusedByActiveGroup: Bool {
        [RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS]
            .contains { $0.rawValue == code }
    }
}
