import Kafka
import Logging

/// The clients the offsets commands share: a consumer under the group (which never joins it),
/// a reader for watermarks and times, and an admin client for describing the group.
struct OffsetsTools {
    let group: String
    let consumer: KafkaConsumer
    let reader: KafkaPartitionReader
    let admin: KafkaAdmin

    init(configuration: SinkConfiguration, group: String) throws {
        self.group = group
        var properties = configuration.consumerProperties
        properties["group.id"] = group
        consumer = try KafkaConsumer(configuration: .init(properties: properties), logger: Logger(label: "metadata-sink.kafka.consumer"))
        reader = try KafkaPartitionReader(properties: configuration.lookupProperties, logger: Logger(label: "metadata-sink.kafka.lookup"))
        admin = try KafkaAdmin(properties: configuration.lookupProperties, logger: Logger(label: "metadata-sink.kafka.admin"))
    }

    func partitions(of topics: [String], requested: [Int32] = []) throws -> [TopicPartition] {
        let resolver = RangeResolver(reader: reader, logger: Logger(label: "metadata-sink.offsets"))
        var result: [TopicPartition] = []
        for topic in topics { result += try resolver.partitions(of: topic, requested: requested) }
        return result
    }

    /// Closes the consumer (it never joined the group, so nothing is left or committed).
    func close() async {
        await consumer.shutdown()
    }

    func read(topics: [String], partitions requested: [Int32] = []) throws -> GroupOffsets {
        try GroupOffsets.read(
            group: group, partitions: try partitions(of: topics, requested: requested), consumer: consumer, reader: reader, admin: admin)
    }
}
