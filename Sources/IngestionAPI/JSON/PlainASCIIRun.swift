/// How far a run of "plain" string bytes goes: printable ASCII other than `"` and `\`, the bytes
/// inside a JSON string that need no further look. The one-pass readers spend most of their time
/// inside strings, so this tests eight bytes at a time and only hands the byte that ends the run
/// (a quote, an escape, a control character, or the start of a multi-byte UTF-8 sequence) back to
/// their byte-by-byte code. Every answer is exact: a word is skipped only when none of its bytes
/// can end the run, and the first byte that can is found from the lowest flagged bit.
enum PlainASCIIRun {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080
    private static let quotes: UInt64 = ones &* UInt64(UInt8(ascii: "\""))
    private static let backslashes: UInt64 = ones &* UInt64(UInt8(ascii: "\\"))
    private static let spaces: UInt64 = ones &* 0x20

    /// The first index in `start..<end` whose byte is not plain, or `end`.
    @inline(__always)
    static func end(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= end {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let flags = flagged(word)
                if flags != 0 {
                    // Borrows in the tests only run towards higher bytes, so the lowest flagged
                    // byte is exact (in memory order, as the word was read little-endian).
                    return index + flags.trailingZeroBitCount / 8
                }
                index += 8
            }
        }
        while index < end, isPlain(bytes[index]) { index += 1 }
        return index
    }

    /// The high bit of each byte of `word` that is `"`, `\`, below 0x20 or at least 0x80 is set
    /// (bits above the lowest such byte may be set spuriously; the word is nonzero exactly when
    /// one is there).
    @inline(__always)
    static func flagged(_ word: UInt64) -> UInt64 {
        let quote = word ^ quotes
        let backslash = word ^ backslashes
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (word &- spaces) & ~word
        return (zeroQuote | zeroBackslash | control | word) & highBits
    }

    @inline(__always)
    static func isPlain(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }
}
