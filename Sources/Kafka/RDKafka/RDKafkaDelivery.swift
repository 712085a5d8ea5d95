import CRdKafka

/// The per-message opaque that carries a delivery report back to the awaiting task.
/// It is retained when the message is enqueued and released by the delivery callback.
final class RDKafkaDelivery: @unchecked Sendable {
    private let continuation: CheckedContinuation<Result<KafkaDeliveryReport, KafkaError>, Never>

    init(_ continuation: CheckedContinuation<Result<KafkaDeliveryReport, KafkaError>, Never>) {
        self.continuation = continuation
    }

    func complete(_ result: Result<KafkaDeliveryReport, KafkaError>) {
        continuation.resume(returning: result)
    }

    /// Turns a delivery report into the result for its awaiting task.
    static func deliver(_ message: UnsafePointer<rd_kafka_message_t>) {
        guard let opaque = message.pointee._private else { return }
        let delivery = Unmanaged<RDKafkaDelivery>.fromOpaque(opaque).takeRetainedValue()
        let m = message.pointee
        if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            delivery.complete(.success(KafkaDeliveryReport(topic: topic, partition: m.partition, offset: m.offset)))
        } else {
            delivery.complete(.failure(KafkaError(m.err)))
        }
    }
}
