import IngestionAPI
import Kafka

/// Stage 1: bytes → a JSON object. UTF-8 JSON, objects only.
struct RecordDecoder: Sendable {
    enum Result {
        /// A null value: a deletion marker in compacted topics, not an event. Skipped, never sent.
        case tombstone
        case failed(String)
        case object(JSONValue)
    }

    /// Nesting beyond this is refused instead of parsed: the item schema is three levels deep,
    /// and an unbounded depth would let one record cost unbounded work.
    let maxDepth: Int

    func decode(_ message: KafkaMessage) -> Result {
        guard let value = message.value else { return .tombstone }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(value, maxDepth: maxDepth)
        } catch {
            return .failed(error.description)
        }
        guard case .object = parsed else {
            return .failed("value is a JSON \(parsed.typeName), expected an object")
        }
        return .object(parsed)
    }
}
