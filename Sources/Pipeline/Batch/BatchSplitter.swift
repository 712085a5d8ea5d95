/// Splits a refused batch in halves: for 413 (too large) and for 4xx answers without per-item
/// results, where halving isolates the poison records in log2(n) rounds while the rest goes through.
enum BatchSplitter {
    /// The two halves, first half first (it holds the earlier offsets); `nil` for a single record.
    static func halves(_ range: Range<Int>) -> (first: Range<Int>, second: Range<Int>)? {
        guard range.count > 1 else { return nil }
        let middle = range.lowerBound + range.count / 2
        return (range.lowerBound..<middle, middle..<range.upperBound)
    }
}
