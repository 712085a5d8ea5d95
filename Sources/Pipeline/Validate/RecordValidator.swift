import IngestionAPI
import Kafka

/// Stage 2: the item schema, and the bytes to send.
struct RecordValidator: Sendable {
    enum Result {
        case valid(SinkRecord)
        /// Every violation, each naming the field and the rule, joined with "; ".
        case invalid(error: String, eventId: String?)
    }

    func validate(_ item: JSONValue, message: KafkaMessage) -> Result {
        let violations = CustomerMetadataValidator.validate(item)
        let givenEventId = item["eventId"]?.stringValue
        guard violations.isEmpty else {
            return .invalid(error: violations.map(\.description).joined(separator: "; "), eventId: givenEventId)
        }
        if let givenEventId {
            // Valid bytes are sent as they arrived: no re-encoding, nothing lost in translation.
            return .valid(SinkRecord(message: message, eventId: givenEventId, preparedItem: nil))
        }
        // No eventId: derive one from the record's coordinates so that retries and replays of
        // this record carry the same id.
        let eventId = EventID.derive(topic: message.topic, partition: message.partition, offset: message.offset)
        let prepared: [UInt8]
        if item["eventId"] == nil, let spliced = message.withUnsafeValue({ Self.splice(eventId: eventId, into: $0) }) ?? nil {
            prepared = spliced
        } else {
            // `"eventId": null` (or an unusual layout): re-encode with the id set in place.
            guard case .object(var object) = item else { preconditionFailure("validated items are objects") }
            object["eventId"] = .string(eventId)
            prepared = JSONValue.object(object).serialized()
        }
        return .valid(SinkRecord(message: message, eventId: eventId, preparedItem: prepared))
    }

    /// The fast path: for a valid item in the common shape (see `CustomerItemFastPath`), the
    /// record to send, straight from the bytes without a parsed tree; nil sends the message through
    /// `RecordDecoder` and `validate(_:message:)`, which decide everything else and word the errors.
    func fastRecord(_ message: KafkaMessage, maxDepth: Int) -> SinkRecord? {
        // The value is read where librdkafka put it; only an item that needs an eventId is copied.
        let verdict = message.withUnsafeValue { value -> FastVerdict in
            guard let check = CustomerItemFastPath.check(value, maxDepth: maxDepth) else { return .otherPath }
            // The item's own eventId stays in its bytes until a dead letter needs it.
            if check.hasEventId { return .ownEventId }
            let eventId = EventID.derive(topic: message.topic, partition: message.partition, offset: message.offset)
            guard let spliced = Self.splice(eventId: eventId, into: value) else { return .otherPath }
            return .derived(eventId: eventId, item: spliced)
        }
        switch verdict ?? .otherPath {
        case .otherPath: return nil
        case .ownEventId: return SinkRecord(message: message, eventId: nil, preparedItem: nil)
        case .derived(let eventId, let item): return SinkRecord(message: message, eventId: eventId, preparedItem: item)
        }
    }

    private enum FastVerdict {
        case otherPath
        case ownEventId
        case derived(eventId: String, item: [UInt8])
    }

    /// Inserts `"eventId":"…",` right after the opening brace, keeping every other byte.
    /// Valid items have at least the two required members, so a comma always follows.
    static func splice(eventId: String, into value: [UInt8]) -> [UInt8]? {
        value.withUnsafeBufferPointer { splice(eventId: eventId, into: $0) }
    }

    static func splice(eventId: String, into value: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let brace = value.firstIndex(where: { !isJSONWhitespace($0) }), value[brace] == UInt8(ascii: "{") else {
            return nil
        }
        var result: [UInt8] = []
        result.reserveCapacity(value.count + eventId.utf8.count + 13)
        result.append(contentsOf: value[...brace])
        // Appended as buffers (a copy each): appending a string's UTF-8 view goes through the
        // view's own iteration, and this runs for every record without an eventId.
        (#""eventId":""# as StaticString).withUTF8Buffer { result.append(contentsOf: $0) }
        var eventId = eventId
        eventId.withUTF8 { result.append(contentsOf: $0) }
        (#"","# as StaticString).withUTF8Buffer { result.append(contentsOf: $0) }
        result.append(contentsOf: value[(brace + 1)...])
        return result
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
