import Kafka
import Logging

/// What a test asks a cluster from outside: end offsets, a group's committed offsets, the
/// records of a partition. Each question uses a fresh consumer that never joins a group, so
/// asking never disturbs the consumers under test.
public struct KafkaProbe: Sendable {
    public let bootstrapServers: String

    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }

    private func consumer(group: String = uniqueName("probe")) throws -> KafkaConsumer {
        try KafkaConsumer(
            configuration: .init(properties: ["bootstrap.servers": bootstrapServers, "group.id": group]),
            logger: quietLogger("probe"))
    }

    /// The offset the next record of each partition will get.
    public func endOffsets(_ partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        let reader = try consumer()
        var result: [TopicPartition: Int64] = [:]
        for partition in partitions { result[partition] = try reader.watermarks(partition).high }
        return result
    }

    /// The group's committed offsets as the broker has them (`nil`: nothing committed). A
    /// consumer with the group's id fetches them without joining the group.
    public func committed(group: String, _ partitions: [TopicPartition]) throws -> [TopicPartition: Int64?] {
        try consumer(group: group).committed(partitions)
    }

    /// The partition's records from the oldest one it keeps (the mock cluster drops the oldest
    /// beyond about 5 MB): the first `count`, waiting for them to be written, or (`count` nil)
    /// all up to its current end.
    public func read(_ partition: TopicPartition, count: Int? = nil) async throws -> [KafkaMessage] {
        let reader = try consumer()
        let (low, high) = try reader.watermarks(partition)
        let wanted = count.map(Int64.init) ?? (high - low)
        guard wanted > 0 else { return [] }
        try reader.assign([partition: low])
        var messages: [KafkaMessage] = []
        for await event in reader.events {
            if case .messages(let batch) = event { messages += batch }
            if messages.count >= wanted { break }
        }
        await reader.shutdown()
        return messages
    }
}

extension KafkaMessage {
    /// The last value of a header, as text.
    public func header(_ key: String) -> String? {
        headers.last(key)?.stringValue
    }
}
