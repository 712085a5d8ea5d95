extension String {
    /// Drops trailing `\n` and `\r\n` (and stray `\r`), nothing else: a secret may legitimately
    /// end in a space.
    func trimmingTrailingLineBreaks() -> String {
        var end = utf8.endIndex
        while end > utf8.startIndex {
            let before = utf8.index(before: end)
            let byte = utf8[before]
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else { break }
            end = before
        }
        return String(self[..<end])
    }
}
