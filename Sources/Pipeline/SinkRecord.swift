import Kafka

/// A valid record on its way to the API, with the original message kept for the dead-letter topic.
///
/// A class: a record passes through the batcher's queues, the batch and the request, and a
/// reference is one retain per hand-over where a struct of arrays and strings would be several.
final class SinkRecord: Sendable {
    let message: KafkaMessage
    let eventId: String
    /// The item to send when it differs from the message value (an eventId was added).
    let preparedItem: [UInt8]?

    init(message: KafkaMessage, eventId: String, preparedItem: [UInt8]?) {
        self.message = message
        self.eventId = eventId
        self.preparedItem = preparedItem
    }

    /// The item's JSON bytes as they go into the request.
    var item: [UInt8] { preparedItem ?? message.value ?? [] }

    var byteCount: Int { preparedItem?.count ?? message.value?.count ?? 0 }

    var topicPartition: TopicPartition { message.topicPartition }
}
