import Logging

extension LogRecord {
    /// One human-readable line: `2025-01-31T23:59:59.123Z info metadata-sink: message key=value error=…`.
    /// Values with spaces, quotes or `=` are quoted and escaped, and line breaks are escaped, so
    /// one record stays one line.
    func textLine() -> [UInt8] {
        var text = "\(timestamp) \(level.rawValue) \(label): \(Self.singleLine(message))"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            text += " \(key)=\(Self.quotedIfNeeded(Self.flatten(value)))"
        }
        if let error {
            text += " error=\(Self.quotedIfNeeded(error))"
        }
        text += "\n"
        return Array(text.utf8)
    }

    private static func flatten(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .dictionary(let dictionary):
            "[" + dictionary.sorted(by: { $0.key < $1.key }).map { "\($0.key): \(flatten($0.value))" }.joined(separator: ", ") + "]"
        case .array(let array):
            "[" + array.map(flatten).joined(separator: ", ") + "]"
        }
    }

    private static func quotedIfNeeded(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.contains { $0.isWhitespace || $0 == "\"" || $0 == "=" || $0.isNewline }
        return needsQuotes ? String(reflecting: text) : text
    }

    private static func singleLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.replacing("\r\n", with: "\\n").replacing("\n", with: "\\n").replacing("\r", with: "\\r")
    }
}
