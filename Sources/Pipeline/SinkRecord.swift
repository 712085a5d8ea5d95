import Kafka

/// A valid record on its way to the API, with the original message kept for the dead-letter topic.
struct SinkRecord: Sendable {
    let message: KafkaMessage
    let eventId: String
    /// The item to send when it differs from the message value (an eventId was added).
    let preparedItem: [UInt8]?

    /// The item's JSON bytes as they go into the request.
    var item: [UInt8] { preparedItem ?? message.value ?? [] }

    var byteCount: Int { preparedItem?.count ?? message.value?.count ?? 0 }

    var topicPartition: TopicPartition { message.topicPartition }
}
