/// Replaces every occurrence of known secret values in text with `<redacted>`.
///
/// The last line of defence behind "never log a secret": log handlers pass every message,
/// metadata value and error description through it, so a secret reaches no output even when a
/// log call (ours, a library's, librdkafka's) includes it by mistake.
struct SecretRedactor: Sendable {
    static let placeholder = "<redacted>"

    /// Longest first, so that a secret containing another is replaced whole.
    let secrets: [String]

    init(secrets: some Sequence<String>) {
        self.secrets = Set(secrets.filter { !$0.isEmpty }).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    var isEmpty: Bool { secrets.isEmpty }

    func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.placeholder)
        }
        return result
    }
}
