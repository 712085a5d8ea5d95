import Kafka

/// The offsets `[start, end)` of one partition that a command works through.
struct PartitionRange: Sendable, Equatable {
    let partition: TopicPartition
    let start: Int64
    let end: Int64

    /// Offsets in the range (records, unless some offsets are gaps).
    var count: Int64 { max(0, end - start) }
    var isEmpty: Bool { end <= start }
}

extension Array where Element == PartitionRange {
    /// Start offsets of the non-empty ranges, for `assign` and `SinkPipeline.Mode`.
    var starts: [TopicPartition: Int64] {
        Dictionary(uniqueKeysWithValues: filter { !$0.isEmpty }.map { ($0.partition, $0.start) })
    }

    var ends: [TopicPartition: Int64] {
        Dictionary(uniqueKeysWithValues: filter { !$0.isEmpty }.map { ($0.partition, $0.end) })
    }

    var totalCount: Int64 { reduce(0) { $0 + $1.count } }

    /// Offsets done, given how far each partition is final.
    func doneCount(positions: [TopicPartition: Int64]) -> Int64 {
        reduce(0) { total, range in
            let position = Swift.min(Swift.max(positions[range.partition] ?? range.start, range.start), range.end)
            return total + (position - range.start)
        }
    }
}
