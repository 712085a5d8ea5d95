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
        // Parsed where the value is, without a copy of it first.
        let result = message.withUnsafeValue { value in
            Swift.Result { () throws(JSONParseError) in try JSONParser.parse(UnsafeRawBufferPointer(value), maxDepth: maxDepth) }
        }
        guard let result else { return .tombstone }
        let parsed: JSONValue
        switch result {
        case .success(let value): parsed = value
        case .failure(let error): return .failed(error.description)
        }
        guard case .object = parsed else {
            return .failed("value is a JSON \(parsed.typeName), expected an object")
        }
        return .object(parsed)
    }
}
