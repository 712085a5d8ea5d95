import Logging

/// One log line's content, after the handler's, the provider's and the call's metadata have
/// been merged, before it is rendered as JSON or text.
struct LogRecord: Sendable {
    var timestamp: String
    var level: Logger.Level
    var label: String
    var message: String
    var metadata: Logger.Metadata
    var error: String?

    /// The record with every known secret replaced in every string it holds, metadata keys and
    /// nested values included.
    func redacted(by redactor: SecretRedactor) -> LogRecord {
        guard !redactor.isEmpty else { return self }
        var copy = self
        copy.label = redactor.redact(label)
        copy.message = redactor.redact(message)
        copy.metadata = Self.redact(metadata, redactor)
        copy.error = error.map(redactor.redact)
        return copy
    }

    private static func redact(_ metadata: Logger.Metadata, _ redactor: SecretRedactor) -> Logger.Metadata {
        var result: Logger.Metadata = [:]
        for (key, value) in metadata {
            result[redactor.redact(key)] = redact(value, redactor)
        }
        return result
    }

    private static func redact(_ value: Logger.MetadataValue, _ redactor: SecretRedactor) -> Logger.MetadataValue {
        switch value {
        case .string(let text):
            .string(redactor.redact(text))
        case .stringConvertible(let convertible):
            // Rendered now, so that what is checked is exactly what will be written.
            .string(redactor.redact(convertible.description))
        case .dictionary(let dictionary):
            .dictionary(redact(dictionary, redactor))
        case .array(let array):
            .array(array.map { redact($0, redactor) })
        }
    }
}
