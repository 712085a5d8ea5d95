import CRdKafka
import Logging

/// Cluster administration requests (librdkafka's Admin API).
public final class KafkaAdmin: Sendable {
    private let client: RDKafkaClient

    /// - Parameter properties: librdkafka properties (`bootstrap.servers`, security settings).
    public init(properties: [String: String], logger: Logger) throws(KafkaError) {
        // Admin requests run on a producer handle, the lighter of the two kinds.
        client = try RDKafkaClient(kind: .producer, properties: properties, context: RDKafkaContext(logger: logger))
    }

    /// Asks the group's coordinator for its state and members (DescribeGroups).
    ///
    /// Throws a `KafkaError` with `isUnsupportedFeature` when the broker does not implement it,
    /// as librdkafka's 2.0.2 mock cluster does not.
    public func describeConsumerGroup(_ group: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> KafkaConsumerGroupDescription {
        let queue = rd_kafka_queue_new(client.handle)!
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(client.handle, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errstr = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout.milliseconds, &errstr, errstr.count)
        group.withCString { name in
            var names: [UnsafePointer<CChar>?] = [name]
            rd_kafka_DescribeConsumerGroups(client.handle, &names, 1, options, queue)
        }
        // The request's own timeout answers first; the extra second only guards against a hang.
        guard let event = rd_kafka_queue_poll(queue, (timeout + .seconds(1)).milliseconds) else {
            throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, context: "describe group \(group)")
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
            throw KafkaError(code: err.rawValue, message: "describe group \(group): \(text)")
        }
        guard let result = rd_kafka_event_DescribeConsumerGroups_result(event) else {
            throw KafkaError(RD_KAFKA_RESP_ERR__BAD_MSG, context: "describe group \(group): unexpected result")
        }
        var count = 0
        guard let descriptions = rd_kafka_DescribeConsumerGroups_result_groups(result, &count), count > 0,
              let description = descriptions[0]
        else {
            throw KafkaError(RD_KAFKA_RESP_ERR__BAD_MSG, context: "describe group \(group): empty result")
        }
        if let error = rd_kafka_ConsumerGroupDescription_error(description) {
            let code = rd_kafka_error_code(error)
            throw KafkaError(code: code.rawValue, message: "describe group \(group): \(String(cString: rd_kafka_error_string(error)))")
        }
        let state = String(cString: rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(description)))
        return KafkaConsumerGroupDescription(
            group: group, state: state, memberCount: rd_kafka_ConsumerGroupDescription_member_count(description))
    }
}
