import Kafka
import Logging
import TestSupport
import Testing

/// A logger that stays quiet unless a test is being debugged.
func testLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .error
    return logger
}

/// Reads events until `condition` holds for what was gathered, or the stream ends.
struct EventCollector {
    var messages: [KafkaMessage] = []
    var assigned: [TopicPartition] = []
    var revoked: [TopicPartition] = []

    mutating func collect(
        from iterator: inout AsyncStream<KafkaConsumerEvent>.Iterator,
        until condition: (EventCollector) -> Bool,
        onRevoke: (KafkaRevocation) -> Void = { $0.acknowledge() }
    ) async {
        while !condition(self), let event = await iterator.next() {
            switch event {
            case .messages(let batch): messages += batch
            case .assigned(let partitions): assigned += partitions
            case .revoked(let partitions, _, let revocation):
                revoked += partitions
                onRevoke(revocation)
            case .partitionEOF, .error, .committed, .commitFailed: break
            }
        }
    }
}

func records(topic: String, count: Int, partition: Int32? = nil, timestamp: Int64? = nil) -> [KafkaProducerRecord] {
    (0..<count).map { index in
        KafkaProducerRecord(
            topic: topic,
            partition: partition ?? Int32(index % 4),
            key: Array("key-\(index)".utf8),
            value: Array("{\"n\":\(index)}".utf8),
            headers: [KafkaHeader(key: "h", string: "v\(index)")],
            timestamp: timestamp
        )
    }
}

/// Consumer properties for a group on the mock cluster. The mock coordinator waits up to the
/// session timeout for departed members before completing a rebalance, so tests keep it short.
func groupProperties(_ cluster: KafkaMockCluster, group: String, extra: [String: String] = [:]) -> [String: String] {
    [
        "bootstrap.servers": cluster.bootstrapServers,
        "group.id": group,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": "6000",
        "heartbeat.interval.ms": "500",
    ].merging(extra) { _, new in new }
}

/// A mock cluster with one fresh topic: the setup most Kafka tests start from.
struct MockTopic {
    let cluster: KafkaMockCluster
    let name: String

    init(_ prefix: String, partitions: Int32) throws {
        cluster = try KafkaMockCluster(brokers: 1, logger: testLogger("mock"))
        name = uniqueName(prefix)
        try cluster.createTopic(name, partitions: partitions)
    }

    /// A consumer in a fresh group, subscribed to this topic.
    func subscribedConsumer() throws -> KafkaConsumer {
        let consumer = try KafkaConsumer(
            configuration: .init(properties: groupProperties(cluster, group: uniqueName("group"))),
            logger: testLogger("consumer"))
        try consumer.subscribe(topics: [name])
        return consumer
    }

    /// A producer to this cluster, with extra librdkafka properties.
    func producer(_ properties: [String: String] = [:]) throws -> KafkaProducer {
        try KafkaProducer(
            configuration: .init(properties: properties.merging(["bootstrap.servers": cluster.bootstrapServers]) { _, new in new }),
            logger: testLogger("producer"))
    }
}
