import IngestionAPI
import Kafka

/// A valid record on its way to the API, with the original message kept for the dead-letter topic.
///
/// A class: a record passes through the batcher's queues, the batch and the request, and a
/// reference is one retain per hand-over where a struct of arrays and strings would be several.
final class SinkRecord: Sendable {
    let message: KafkaMessage
    /// The eventId when it is not simply the item's own string `eventId`: derived by the sink,
    /// or read already by the general path. Nil for the common case, where `eventId` reads it
    /// from the item on the rare occasion it is needed (a dead letter's header): a `String` made
    /// for every record cost an allocation and a free each.
    private let knownEventId: String?
    /// The item to send when it differs from the message value (an eventId was added).
    let preparedItem: [UInt8]?
    /// Where it was read (differs from the message's coordinates for a redriven dead letter).
    let position: ReadPosition
    /// How often it was redriven before; 0 for a record read from its own topic.
    let priorRedrives: Int
    /// The sizes of the item to send and of the message value, kept beside the other fields:
    /// the batcher and the engine count bytes for every record, and reading the arrays' own
    /// counts would touch two more objects each time, by then long out of the cache.
    let byteCount: Int
    let valueBytes: Int

    /// `eventId` nil: the item has a string `eventId` of its own (the caller checked).
    init(message: KafkaMessage, eventId: String?, preparedItem: [UInt8]?, position: ReadPosition? = nil, priorRedrives: Int = 0) {
        self.message = message
        self.knownEventId = eventId
        self.preparedItem = preparedItem
        self.position = position ?? ReadPosition(message)
        self.priorRedrives = priorRedrives
        self.valueBytes = message.valueCount ?? 0
        self.byteCount = preparedItem?.count ?? valueBytes
    }

    /// The same record, read as a dead letter at `position`.
    func read(at position: ReadPosition, priorRedrives: Int) -> SinkRecord {
        SinkRecord(message: message, eventId: knownEventId, preparedItem: preparedItem, position: position, priorRedrives: priorRedrives)
    }

    /// The eventId the item is sent with.
    var eventId: String {
        if let knownEventId { return knownEventId }
        let item = self.item
        return CustomerItemFastPath.validItem(item)?.eventId ?? (try? JSONParser.parse(item))?["eventId"]?.stringValue ?? ""
    }

    /// A copy of the item's JSON bytes as they go into the request (the batch body reads them in
    /// place instead, through `SerializedItem`).
    var item: [UInt8] { preparedItem ?? message.value ?? [] }

    /// The partition it was read from: batching keeps each one's records in order.
    var topicPartition: TopicPartition { position.topicPartition }
}
