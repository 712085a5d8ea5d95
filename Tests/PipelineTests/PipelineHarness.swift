import HTTPClient
import IngestionAPI
import Kafka
import Logging
@testable import Pipeline
import TestSupport
import Testing

extension PipelineConfiguration {
    /// Short timings so that tests finish quickly; the logic is the production one.
    static var testing: PipelineConfiguration {
        PipelineConfiguration(
            linger: .milliseconds(20),
            commitInterval: .milliseconds(50),
            retryBaseDelay: .milliseconds(50),
            retryMaxDelay: .milliseconds(500),
            authRetryMaxDelay: .milliseconds(300),
            deadLetterRetryMaxDelay: .milliseconds(300),
            revocationDrainTimeout: .seconds(5))
    }
}

/// A pipeline started by a test, and the handles to stop it.
struct RunningPipeline {
    let pipeline: SinkPipeline
    let task: Task<Void, any Error>
    let health: SinkHealth
    let metrics: SinkMetrics

    func stopGracefully() async throws {
        pipeline.shutdownGracefully(grace: .seconds(10))
        try await task.value
    }

    /// Stops at once, committing nothing more: what a crash does.
    func abort() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// A mock Kafka cluster, the API emulator over loopback, and the real clients, for one test.
final class PipelineHarness: Sendable {
    static let apiID = "test-id"
    static let apiSecret = "test-secret"

    let cluster: KafkaMockCluster
    let emulator: IngestionAPIEmulator
    let baseURL: String
    let topic: String
    let dlqTopic: String
    let group: String
    let partitions: Int32
    let producer: KafkaProducer
    let http: HTTPClient

    init(partitions: Int32 = 2, emulator configuration: IngestionAPIEmulator.Configuration? = nil) async throws {
        cluster = try KafkaMockCluster(brokers: 1, logger: quietLogger("mock"))
        topic = uniqueName("events")
        dlqTopic = topic + ".dlq"
        group = uniqueName("group")
        self.partitions = partitions
        try cluster.createTopic(topic, partitions: partitions)
        try cluster.createTopic(dlqTopic, partitions: 1)
        emulator = IngestionAPIEmulator(
            configuration: configuration ?? .init(apiID: Self.apiID, apiSecret: Self.apiSecret),
            logger: quietLogger("emulator"))
        baseURL = try await emulator.start()
        producer = try KafkaProducer(
            configuration: .init(properties: ["bootstrap.servers": cluster.bootstrapServers, "message.max.bytes": "16777216"]),
            logger: quietLogger("seed"))
        http = HTTPClient(configuration: .init(totalTimeout: .seconds(10)), logger: quietLogger("http"))
    }

    /// Produces values round-robin over the partitions (or to one); returns where each landed.
    @discardableResult
    func produce(_ values: [[UInt8]?], partition: Int32? = nil, key: (Int) -> [UInt8]? = { Array("key-\($0)".utf8) })
        async throws -> [KafkaDeliveryReport]
    {
        let records = values.enumerated().map { index, value in
            KafkaProducerRecord(
                topic: topic, partition: partition ?? Int32(index % Int(partitions)), key: key(index), value: value,
                headers: [KafkaHeader(key: "trace", string: "t-\(index)")])
        }
        return try await producer.sendAll(records).map { try $0.get() }
    }

    func consumerProperties() -> [String: String] {
        [
            "bootstrap.servers": cluster.bootstrapServers,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": "6000",
            "heartbeat.interval.ms": "500",
            "fetch.wait.max.ms": "50",
        ]
    }

    func makePipeline(
        configuration: PipelineConfiguration = .testing,
        apiSecret: String = PipelineHarness.apiSecret,
        deadLetterProperties: [String: String] = [:]
    ) throws -> RunningPipeline {
        let consumer = try KafkaConsumer(configuration: .init(properties: consumerProperties()), logger: quietLogger("consumer"))
        try consumer.subscribe(topics: [topic])
        let health = SinkHealth()
        let metrics = SinkMetrics()
        let dlqProducer = try KafkaProducer(
            configuration: .init(properties: [
                "bootstrap.servers": cluster.bootstrapServers, "message.max.bytes": "16777216",
            ].merging(deadLetterProperties) { _, new in new }),
            logger: quietLogger("dlq"))
        let deadLetters = DeadLetterWriter(
            producer: dlqProducer, topic: dlqTopic, health: health, metrics: metrics,
            retryBaseDelay: .milliseconds(50), retryMaxDelay: .milliseconds(300), logger: quietLogger("dlq"))
        let client = IngestionClient(baseURL: baseURL, apiID: Self.apiID, apiSecret: apiSecret, http: http)
        let pipeline = SinkPipeline(
            consumer: consumer, client: client, deadLetters: deadLetters, configuration: configuration,
            health: health, metrics: metrics, logger: quietLogger("pipeline"))
        let task = Task { try await pipeline.run() }
        return RunningPipeline(pipeline: pipeline, task: task, health: health, metrics: metrics)
    }

    var probe: KafkaProbe { KafkaProbe(bootstrapServers: cluster.bootstrapServers) }
    var topicPartitions: [TopicPartition] { (0..<partitions).map { TopicPartition(topic: topic, partition: $0) } }

    func endOffsets() throws -> [TopicPartition: Int64] {
        try probe.endOffsets(topicPartitions)
    }

    /// The group's committed offsets as the broker has them.
    func committed() throws -> [TopicPartition: Int64?] {
        try probe.committed(group: group, topicPartitions)
    }

    func deadLetterCount() throws -> Int64 {
        let dlq = TopicPartition(topic: dlqTopic, partition: 0)
        return try probe.endOffsets([dlq])[dlq] ?? 0
    }

    /// Reads the dead-letter topic from the beginning until `count` records have arrived.
    func deadLetters(count: Int) async throws -> [KafkaMessage] {
        try await probe.read(TopicPartition(topic: dlqTopic, partition: 0), count: count)
    }

    func close() async {
        await producer.shutdown()
        await http.shutdown()
        try? await emulator.shutdown()
    }
}
