extension KafkaPartitionReader {
    /// The offset of the first record whose timestamp is at or after `timestamp` (milliseconds
    /// since the epoch), or the end offset when no record is that late.
    ///
    /// The broker's ListOffsets-by-timestamp is asked first. It answers `-1` both when no record
    /// is that late (a real broker) and always (librdkafka's 2.0.2 mock cluster, which keeps no
    /// timestamp index), so on `-1` the answer is searched for: a binary search over
    /// `[low, high)`, each step reading the first record at or after the middle offset (gaps
    /// from compaction or transaction markers are stepped over). That costs about log2(records)
    /// reads. Like the broker's own time index it relies on timestamps not decreasing along the
    /// partition (always so with `LogAppendTime`; with `CreateTime`, when producers stamp in
    /// order); where they do decrease, it finds an offset where they cross `timestamp`.
    public func offset(forTime timestamp: Int64, in partition: TopicPartition, timeout: Duration = .seconds(10)) throws(KafkaError) -> KafkaTimeOffset {
        let (low, high) = try watermarks(partition, timeout: timeout)
        guard low < high else { return KafkaTimeOffset(offset: high, method: .broker, reads: 0) }
        if let answered = try offsetsForTimes([partition: timestamp], timeout: timeout)[partition], answered >= 0 {
            return KafkaTimeOffset(offset: min(max(answered, low), high), method: .broker, reads: 0)
        }
        var lower = low
        var upper = high
        var reads = 0
        // Invariant: every record before `lower` is earlier than `timestamp`; the first record
        // at or after `upper` (if any) is not.
        while lower < upper {
            let middle = lower + (upper - lower) / 2
            reads += 1
            guard let record = try firstRecord(atOrAfter: middle, in: partition, timeout: timeout) else {
                upper = middle
                continue
            }
            if let recordTime = record.timestamp, recordTime >= timestamp {
                upper = middle
            } else {
                lower = record.offset + 1
            }
        }
        // Equal unless timestamps decrease somewhere; then the smaller bound is the safer start.
        return KafkaTimeOffset(offset: min(lower, upper), method: .search, reads: reads)
    }
}
