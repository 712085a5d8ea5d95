import Configuration

/// Reads settings as text through a `ConfigReader` and parses them, collecting a problem for each
/// bad or missing one instead of stopping at the first, so that `ConfigurationError` lists them all.
///
/// Every message starts with the setting's name and says the form expected; a secret setting's
/// value is never quoted back.
struct SettingParser {
    let reader: ConfigReader
    private(set) var problems: [ConfigurationError.Problem] = []

    init(reader: ConfigReader) {
        self.reader = reader
    }

    mutating func report(_ key: String, _ message: String) {
        problems.append(ConfigurationError.Problem(key: key, message: message))
    }

    mutating func report(_ key: SinkConfigurationKey, _ message: String) {
        report(key.name, message)
    }

    /// The setting's text, or nil when no source sets it. An empty value counts as unset, the way
    /// an empty variable in a compose file or Helm value usually means "use the default". Secrets
    /// keep their inner whitespace but lose trailing line breaks; other values are trimmed.
    func text(_ name: String, isSecret: Bool) -> String? {
        guard let raw = reader.settingText(name, isSecret: isSecret) else { return nil }
        let text = isSecret ? raw.trimmingTrailingLineBreaks() : raw.trimmingWhitespace()
        return text.isEmpty ? nil : text
    }

    func text(_ key: SinkConfigurationKey) -> String? {
        text(key.name, isSecret: key.isSecret)
    }

    /// A required setting; reports `KEY is required: <expected>` when unset.
    mutating func required(_ key: SinkConfigurationKey, expected: String) -> String? {
        guard let value = text(key) else {
            report(key, "\(key.name) is required: \(expected)")
            return nil
        }
        return value
    }

    /// An integer setting within `range`; the default when unset, nil (after reporting) when bad.
    mutating func integer(_ key: SinkConfigurationKey, default defaultValue: Int, range: ClosedRange<Int>, unit: String? = nil) -> Int? {
        guard let text = text(key) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            let unitText = unit.map { " (\($0))" } ?? ""
            report(key, "\(key.name) must be an integer from \(range.lowerBound) to \(range.upperBound)\(unitText), got \(quoted(text))")
            return nil
        }
        return value
    }

    /// One of `choices` (case-insensitive); the default when unset, nil (after reporting) when bad.
    mutating func choice<Value>(_ key: SinkConfigurationKey, default defaultValue: Value, choices: [(name: String, value: Value)]) -> Value? {
        guard let text = text(key) else { return defaultValue }
        if let match = choices.first(where: { $0.name == text.lowercased() }) {
            return match.value
        }
        let names = choices.map(\.name).joined(separator: ", ")
        report(key, "\(key.name) must be one of \(names); got \(quoted(text))")
        return nil
    }

    /// `"abc"`, with quotes and control characters escaped, so that an operator sees exactly what
    /// was read (a stray space or newline included).
    func quoted(_ text: String) -> String {
        String(reflecting: text)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
