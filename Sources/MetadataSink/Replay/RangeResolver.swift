import Kafka
import Logging

/// Turns `--from-…` / `--to-…` into offsets per partition, asking the cluster for watermarks and
/// for where times fall (`KafkaPartitionReader.offset(forTime:in:)`).
///
/// Offsets are clamped to what the partition holds: a start before the first kept record starts
/// there, a start or end past the end stops at the end (so a range always ends), and an end
/// before the start makes the range empty. Each adjustment is reported as a note.
struct RangeResolver {
    struct Resolution {
        var ranges: [PartitionRange]
        var notes: [String]
    }

    let reader: KafkaPartitionReader
    let logger: Logger

    /// The topic's partitions, or `requested` after checking that they exist.
    func partitions(of topic: String, requested: [Int32]) throws -> [TopicPartition] {
        let count = try reader.partitionCount(topic: topic)
        for partition in requested where !(0..<count).contains(partition) {
            throw RangeCommandError("topic \(topic) has partitions 0 to \(count - 1); there is no partition \(partition)")
        }
        let chosen = requested.isEmpty ? Array(0..<count) : Array(Set(requested)).sorted()
        return chosen.map { TopicPartition(topic: topic, partition: $0) }
    }

    func resolve(_ partitions: [TopicPartition], from: RangeBound, to: RangeBound) throws -> Resolution {
        try resolve(partitions, from: { _ in from }, to: to)
    }

    /// With a start of its own for each partition (a redrive's group's committed offsets).
    func resolve(_ partitions: [TopicPartition], from: (TopicPartition) -> RangeBound, to: RangeBound) throws -> Resolution {
        var ranges: [PartitionRange] = []
        var notes: [String] = []
        for partition in partitions {
            let (low, high) = try reader.watermarks(partition)
            var start = try offset(from(partition), in: partition, low: low, high: high)
            if start < low {
                notes.append("\(partition): start \(start) is before the first record kept (\(low)); starting at \(low)")
                start = low
            } else if start > high {
                notes.append("\(partition): start \(start) is past the end (\(high)); nothing to read")
                start = high
            }
            var end = try offset(to, in: partition, low: low, high: high)
            if end > high {
                notes.append("\(partition): end \(end) is past the end (\(high)); stopping at \(high)")
                end = high
            }
            if end < start {
                notes.append("\(partition): end \(end) is before start \(start); nothing to read")
                end = start
            }
            ranges.append(PartitionRange(partition: partition, start: start, end: end))
        }
        return Resolution(ranges: ranges, notes: notes)
    }

    /// One bound as an offset of the partition (not yet clamped).
    func offset(_ bound: RangeBound, in partition: TopicPartition, low: Int64, high: Int64) throws -> Int64 {
        switch bound {
        case .offset(let offset): return offset
        case .beginning: return low
        case .end: return high
        case .time(let milliseconds):
            let found = try reader.offset(forTime: milliseconds, in: partition)
            logger.debug("time resolved to an offset", metadata: [
                "partition": "\(partition)", "time": "\(bound)", "offset": "\(found.offset)",
                "method": "\(found.method)", "reads": "\(found.reads)",
            ])
            return found.offset
        }
    }
}
