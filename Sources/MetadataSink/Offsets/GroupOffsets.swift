import IngestionAPI
import Kafka
import Logging

/// A consumer group's committed offsets next to the partitions' ends, and what the coordinator
/// says about the group's members.
struct GroupOffsets {
    struct Row: Equatable {
        let partition: TopicPartition
        /// nil where the group has committed nothing.
        let committed: Int64?
        let low: Int64
        let end: Int64

        /// Records the group has still to read; nil where it has committed nothing.
        var lag: Int64? { committed.map { max(0, end - max($0, low)) } }
    }

    /// The coordinator's view of the group; `describeError` when it could not be asked (the
    /// 2.0.2 mock cluster implements no DescribeGroups).
    var description: KafkaConsumerGroupDescription?
    var describeError: KafkaError?
    var rows: [Row]

    /// Reads them through `consumer` (whose `group.id` is the group; it must not have joined it).
    static func read(
        group: String, partitions: [TopicPartition], consumer: KafkaConsumer, reader: KafkaPartitionReader, admin: KafkaAdmin
    ) throws(KafkaError) -> GroupOffsets {
        let committed = try consumer.committed(partitions)
        var rows: [Row] = []
        for partition in partitions {
            let (low, high) = try reader.watermarks(partition)
            rows.append(Row(partition: partition, committed: committed[partition].flatMap { $0 }, low: low, end: high))
        }
        var result = GroupOffsets(rows: rows)
        do {
            result.description = try admin.describeConsumerGroup(group)
        } catch {
            result.describeError = error
        }
        return result
    }

    /// `state Stable, 2 members`, or why it is unknown.
    var stateText: String {
        if let description { return "state \(description.state), \(description.memberCount) member\(description.memberCount == 1 ? "" : "s")" }
        if let describeError, describeError.isUnsupportedFeature { return "state unknown (the broker does not describe groups)" }
        return "state unknown (\(describeError.map { "\($0)" } ?? "not asked"))"
    }

    var stateJSON: [(key: String, value: JSONValue)] {
        [
            ("state", description.map { .string($0.state) } ?? .null),
            ("members", description.map { .integer($0.memberCount) } ?? .null),
        ]
    }
}
