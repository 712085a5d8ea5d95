import CRdKafka
import Synchronization

/// The per-message opaque that carries a delivery report back: a one-shot promise.
/// It is retained when the message is enqueued and released by the delivery callback.
final class RDKafkaDelivery: Sendable {
    private let state = Mutex<(result: Result<KafkaDeliveryReport, KafkaError>?, waiters: [CheckedContinuation<Result<KafkaDeliveryReport, KafkaError>, Never>])>((nil, []))

    func complete(_ result: Result<KafkaDeliveryReport, KafkaError>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Result<KafkaDeliveryReport, KafkaError>, Never>] in
            guard state.result == nil else { return [] }
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(returning: result) }
    }

    /// The delivery report, once the broker (or librdkafka) has decided.
    var value: Result<KafkaDeliveryReport, KafkaError> {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Result<KafkaDeliveryReport, KafkaError>? in
                    if let result = state.result { return result }
                    state.waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
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
