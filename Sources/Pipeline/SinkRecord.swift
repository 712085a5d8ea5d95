import IngestionAPI
import Kafka

/// A valid record on its way to the API, with the original message kept for the dead-letter topic.
///
/// Most records are their message and nothing else: read from their own topic, sent as the bytes
/// that arrived, with the item's own `eventId`. Those are the message alone, one reference; what
/// the rest add (a derived eventId and the item it was spliced into, a redrive's position) is in
/// `Annotation`, an object of its own made only for them. A record object for every message cost
/// an allocation and a free each, with the retains and releases of its fields.
struct SinkRecord: Sendable {
    let message: KafkaMessage
    /// nil for a plain record (see above).
    private let annotation: Annotation?

    /// What a record adds to its message when it is not plain.
    private final class Annotation: Sendable {
        /// The eventId when it is not simply the item's own string `eventId`: derived by the
        /// sink, or read already by the general path.
        let eventId: String?
        /// The item to send when it differs from the message value (an eventId was added).
        let preparedItem: [UInt8]?
        /// Where it was read, when that differs from the message's coordinates (a redriven
        /// dead letter).
        let position: ReadPosition?
        /// How often it was redriven before.
        let priorRedrives: Int

        init(eventId: String?, preparedItem: [UInt8]?, position: ReadPosition?, priorRedrives: Int) {
            self.eventId = eventId
            self.preparedItem = preparedItem
            self.position = position
            self.priorRedrives = priorRedrives
        }
    }

    /// `eventId` nil: the item has a string `eventId` of its own (the caller checked).
    init(message: KafkaMessage, eventId: String?, preparedItem: [UInt8]?, position: ReadPosition? = nil, priorRedrives: Int = 0) {
        self.message = message
        if eventId == nil, preparedItem == nil, position == nil, priorRedrives == 0 {
            annotation = nil
        } else {
            annotation = Annotation(eventId: eventId, preparedItem: preparedItem, position: position, priorRedrives: priorRedrives)
        }
    }

    /// The same record, read as a dead letter at `position`.
    func read(at position: ReadPosition, priorRedrives: Int) -> SinkRecord {
        SinkRecord(message: message, eventId: annotation?.eventId, preparedItem: annotation?.preparedItem, position: position, priorRedrives: priorRedrives)
    }

    /// The eventId the item is sent with.
    var eventId: String {
        if let known = annotation?.eventId { return known }
        let item = self.item
        return CustomerItemFastPath.validItem(item)?.eventId ?? (try? JSONParser.parse(item))?["eventId"]?.stringValue ?? ""
    }

    /// The item to send when it differs from the message value.
    var preparedItem: [UInt8]? { annotation?.preparedItem }

    /// A copy of the item's JSON bytes as they go into the request (the batch body reads them in
    /// place instead, through `SerializedItem`).
    var item: [UInt8] { preparedItem ?? message.value ?? [] }

    /// Where it was read (differs from the message's coordinates for a redriven dead letter).
    var position: ReadPosition { annotation?.position ?? ReadPosition(message) }

    /// How often it was redriven before; 0 for a record read from its own topic.
    var priorRedrives: Int { annotation?.priorRedrives ?? 0 }

    /// The size of the message value as read.
    var valueBytes: Int { message.valueCount ?? 0 }

    /// The size of the item to send.
    var byteCount: Int { annotation?.preparedItem?.count ?? valueBytes }

    /// The partition it was read from: batching keeps each one's records in order.
    var topicPartition: TopicPartition { position.topicPartition }
}
