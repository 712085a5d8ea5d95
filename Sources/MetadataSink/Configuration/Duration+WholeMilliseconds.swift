extension Duration {
    /// Whole milliseconds, rounded down: the form of the `…_MS` settings the configuration
    /// prints, and of the emulator's `timeoutMs`.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
