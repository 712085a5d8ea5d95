/// Why a document is not valid JSON, and where: `invalid JSON at byte 17: expected ',' or '}'`.
///
/// The offset is a zero-based byte offset into the input, so it can be found in the raw Kafka
/// record even when the text around it is not valid UTF-8.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        "invalid JSON at byte \(offset): \(reason)"
    }
}
