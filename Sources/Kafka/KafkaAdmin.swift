import CRdKafka
import Logging

/// Cluster administration requests.
public final class KafkaAdmin: Sendable {
    private let client: RDKafkaClient

    /// - Parameter properties: librdkafka properties (`bootstrap.servers`, security settings).
    public init(properties: [String: String], logger: Logger) throws(KafkaError) {
        // Admin requests run on a producer handle, the lighter of the two kinds.
        client = try RDKafkaClient(kind: .producer, properties: properties, context: RDKafkaContext(logger: logger))
    }

    /// Asks the group's coordinator for its state and members (ListGroups, DescribeGroups). A
    /// group the cluster does not know is described as `Dead` with no members.
    ///
    /// Throws a `KafkaError` with `isUnsupportedFeature` when the brokers do not implement these
    /// requests, as librdkafka's 2.0.2 mock cluster does not. (`rd_kafka_list_groups` rather
    /// than the newer `rd_kafka_DescribeConsumerGroups`: in librdkafka 2.0.2 the latter trips an
    /// internal assertion and aborts the process when the broker refuses the request.)
    public func describeConsumerGroup(_ group: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> KafkaConsumerGroupDescription {
        var list: UnsafePointer<rd_kafka_group_list>?
        let err = rd_kafka_list_groups(client.handle, group, &list, timeout.milliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { throw KafkaError(err, context: "describe group \(group)") }
        defer { rd_kafka_group_list_destroy(list) }
        let count = Int(list.pointee.group_cnt)
        guard count > 0, let infos = list.pointee.groups,
              let info = (0..<count).map({ infos[$0] }).first(where: { String(cString: $0.group) == group })
        else {
            return KafkaConsumerGroupDescription(group: group, state: "Dead", memberCount: 0)
        }
        guard info.err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(info.err, context: "describe group \(group)") }
        return KafkaConsumerGroupDescription(
            group: group, state: info.state.map { String(cString: $0) } ?? "Unknown", memberCount: Int(info.member_cnt))
    }
}
