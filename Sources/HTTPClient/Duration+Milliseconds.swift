extension Duration {
    /// Whole milliseconds for curl's `*_MS` options, rounded up and at least 1,
    /// because curl reads 0 as "no timeout at all", the opposite of what a tiny value means.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 1 }
        let (wholeMillis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        let (total, overflow2) = wholeMillis.addingReportingOverflow(fraction)
        if overflow2 { return Int.max }
        return max(1, Int(clamping: total))
    }
}
