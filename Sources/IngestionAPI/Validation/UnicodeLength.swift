/// JSON Schema's `maxLength` counts characters as Unicode code points, not UTF-8 bytes and not
/// grapheme clusters: `"é"` written precomposed is 1, decomposed (`e` + U+0301) is 2.
enum UnicodeLength {
    /// The number of code points in `text`, computed only when it could exceed `limit`.
    @inline(__always)
    static func exceeds(_ text: String, limit: Int) -> Int? {
        let byteCount = text.utf8.count
        // Every code point takes at least one byte, so a short enough byte count settles it.
        guard byteCount > limit else { return nil }
        let count = codePoints(text)
        return count > limit ? count : nil
    }

    static func codePoints(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var count = 0
            for byte in bytes where byte & 0xC0 != 0x80 {
                count += 1
            }
            return count
        }
    }
}
