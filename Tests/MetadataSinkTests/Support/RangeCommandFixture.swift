import Foundation
import IngestionAPI
import Kafka
import Logging
import TestSupport
import Testing

/// An in-process mock Kafka cluster and API emulator for running the built binary's `replay`,
/// `redrive`, `offsets` and `run` against, with the settings a deployment would give them.
final class RangeCommandFixture: Sendable {
    static let apiID = "range-test-id"
    static let apiSecret = "range-test-secret-7d1f"

    let cluster: KafkaMockCluster
    let emulator: IngestionAPIEmulator
    let baseURL: String
    let topic: String
    let dlqTopic: String
    /// `KAFKA_GROUP_ID`: the live group.
    let group: String
    let partitions: Int32
    private let producer: KafkaProducer

    init(partitions: Int32 = 1) async throws {
        let logger = quietLogger("range-fixture")
        cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        let suffix = UInt32.random(in: 0...UInt32.max)
        topic = "events-\(suffix)"
        dlqTopic = "events-\(suffix).dlq"
        group = "live-\(suffix)"
        self.partitions = partitions
        try cluster.createTopic(topic, partitions: partitions)
        try cluster.createTopic(dlqTopic, partitions: 1)
        emulator = IngestionAPIEmulator(configuration: .init(apiID: Self.apiID, apiSecret: Self.apiSecret), logger: logger)
        baseURL = try await emulator.start()
        producer = try KafkaProducer(configuration: .init(properties: ["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
    }

    /// The configuration `run` would have, as environment variables.
    var environment: [String: String] {
        [
            "KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers,
            "KAFKA_TOPICS": topic,
            "KAFKA_GROUP_ID": group,
            "KAFKA_DLQ_TOPIC": dlqTopic,
            "API_BASE_URL": baseURL,
            "API_ID": Self.apiID,
            "API_SECRET": Self.apiSecret,
            "BATCH_LINGER_MS": "20",
            "HTTP_PORT": "0",
            "LOG_LEVEL": "info",
            // The mock coordinator waits a session timeout for departed members; keep it short.
            "KAFKA_PROPERTY_SESSION_TIMEOUT_MS": "6000",
            "KAFKA_PROPERTY_HEARTBEAT_INTERVAL_MS": "500",
            "KAFKA_PROPERTY_FETCH_WAIT_MAX_MS": "50",
        ]
    }

    func partition(_ index: Int32) -> TopicPartition { TopicPartition(topic: topic, partition: index) }

    var allPartitions: [TopicPartition] { (0..<partitions).map(partition) }

    /// Runs the binary to completion with this configuration (`changes` applied; nil removes).
    func run(_ arguments: [String], changes: [String: String?] = [:]) async throws -> BinaryProcess.Output {
        var environment = self.environment
        for (key, value) in changes { environment[key] = value }
        return try await BinaryProcess.run(arguments, environment: environment)
    }

    /// Produces to one partition, in order; returns the offsets.
    @discardableResult
    func produce(_ values: [[UInt8]?], partition: Int32 = 0, timestamps: [Int64]? = nil, topic: String? = nil) async throws -> [Int64] {
        let records = values.enumerated().map { index, value in
            KafkaProducerRecord(
                topic: topic ?? self.topic, partition: partition, key: Array("key-\(index)".utf8), value: value,
                headers: [KafkaHeader(key: "trace", string: "t-\(partition)-\(index)")], timestamp: timestamps?[index])
        }
        return try await producer.sendAll(records).map { try $0.get().offset }
    }

    /// A consumer under `group` that never joins it: reads and writes committed offsets from outside.
    func outsider(group: String) throws -> KafkaConsumer {
        try KafkaConsumer(
            configuration: .init(properties: ["bootstrap.servers": cluster.bootstrapServers, "group.id": group]),
            logger: Logger(label: "outsider"))
    }

    private var probe: KafkaProbe { KafkaProbe(bootstrapServers: cluster.bootstrapServers) }

    func committed(group: String, partitions: [TopicPartition]) throws -> [TopicPartition: Int64?] {
        try probe.committed(group: group, partitions)
    }

    func endOffset(_ partition: TopicPartition) throws -> Int64 {
        try probe.endOffsets([partition])[partition] ?? 0
    }

    /// Reads `topic` from the beginning until `count` records have arrived.
    func read(_ topic: String, count: Int) async throws -> [KafkaMessage] {
        guard count > 0 else { return [] }
        return try await probe.read(TopicPartition(topic: topic, partition: 0), count: count)
    }

    func close() async {
        await producer.shutdown()
        try? await emulator.shutdown()
    }
}

extension BinaryProcess.Output {
    /// The `--json` summary: the last line of standard output.
    func json() throws -> JSONValue {
        let line = try #require(lastLine, "no output; stderr: \(stderr.suffix(2000))")
        return try JSONParser.parse(Array(line.utf8))
    }
}

/// A valid item whose eventId names it.
func customerEvent(_ name: String, customer: String? = nil) -> [UInt8] {
    CustomerMetadata(externalConversationId: "conv-\(name)", externalCustomerId: customer ?? "customer-\(name)", eventId: name).serialized()
}
