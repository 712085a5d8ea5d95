import Kafka

/// A valid record on its way to the API, with the original message kept for the dead-letter topic.
struct SinkRecord: Sendable {
    let message: KafkaMessage
    let eventId: String
    /// The item to send when it differs from the message value (an eventId was added).
    let preparedItem: [UInt8]?
    /// Where it was read (differs from the message's coordinates for a redriven dead letter).
    var position: ReadPosition
    /// How often it was redriven before; 0 for a record read from its own topic.
    var priorRedrives = 0

    init(message: KafkaMessage, eventId: String, preparedItem: [UInt8]?) {
        self.message = message
        self.eventId = eventId
        self.preparedItem = preparedItem
        self.position = ReadPosition(message)
    }

    /// The item's JSON bytes as they go into the request.
    var item: [UInt8] { preparedItem ?? message.value ?? [] }

    var byteCount: Int { preparedItem?.count ?? message.value?.count ?? 0 }

    /// The partition it was read from: batching keeps each one's records in order.
    var topicPartition: TopicPartition { position.topicPartition }
}
