/// A set of ASCII characters, checked with two 64-bit masks instead of a regex engine.
///
/// The schema's patterns are all of the form `[class]+`; the validator reads them as a full-string
/// match (at least one character, every character in the class), as the brief for this sink
/// specifies, rather than JSON Schema's unanchored search.
struct ASCIICharacterClass: Sendable {
    /// The pattern as written in the OpenAPI document, for messages.
    let pattern: String
    /// Membership bits of bytes 0–63 and 64–127.
    let low: UInt64
    let high: UInt64

    init(pattern: String, characters: String) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for byte in characters.utf8 {
            precondition(byte < 0x80, "character classes are ASCII")
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }
        self.pattern = pattern
        self.low = low
        self.high = high
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        if byte < 64 { return low & (1 << UInt64(byte)) != 0 }
        if byte < 128 { return high & (1 << UInt64(byte - 64)) != 0 }
        return false
    }

    /// Why `text` does not fully match `[class]+`, or nil when it does.
    func mismatch(in text: String) -> String? {
        var text = text
        let badIndex: Int? = text.withUTF8 { bytes in
            for index in 0..<bytes.count where !contains(bytes[index]) {
                return index
            }
            return nil
        }
        if text.utf8.isEmpty {
            return "does not match pattern \(pattern) (empty string)"
        }
        guard let badIndex else { return nil }
        // Report the position in characters (code points), as a person counts them.
        let prefix = text.utf8.prefix(badIndex)
        let position = prefix.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        let scalar = text.unicodeScalars[text.utf8.index(text.utf8.startIndex, offsetBy: badIndex)]
        return "does not match pattern \(pattern) (character \(Self.describe(scalar)) at position \(position))"
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar.value >= 0x21 && scalar.value <= 0x7E {
            return "'\(Character(scalar))'"
        }
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// `[a-zA-Z0-9\-\_]+`: conversation ids, event ids, status, user id and address parts.
    static let identifier = ASCIICharacterClass(
        pattern: #"[a-zA-Z0-9\-\_]+"#,
        characters: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    )

    /// `[a-zA-Z0-9\-\_\.\@]+`: customer ids, which may be email-like.
    static let customerIdentifier = ASCIICharacterClass(
        pattern: #"[a-zA-Z0-9\-\_\.\@]+"#,
        characters: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@"
    )

    /// `[0-9\-\.\(\)\+]+`: phone numbers.
    static let phoneNumber = ASCIICharacterClass(
        pattern: #"[0-9\-\.\(\)\+]+"#,
        characters: "0123456789-.()+"
    )
}
