import ArgumentParser
import Foundation
import HTTPClient
import IngestionAPI
import Kafka
import Logging
import Pipeline

/// `metadata-sink demo`: the main job on embedded defaults. An in-process mock Kafka cluster and
/// API emulator, N deterministic sample events, the real pipeline until every offset is committed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the real pipeline against an embedded Kafka mock cluster and API emulator.")

    @Option(help: "Sample events to produce.")
    var records: Int = 10_000

    @Option(help: "Share of bad events (schema-invalid, malformed JSON, refused by the API's business rule), 0…1.")
    var invalidRatio: Double = 0.1

    @Option(help: "Partitions of the demo topic.")
    var partitions: Int32 = 8

    @Option(help: "Give up (exit 1) after this many seconds.")
    var timeout: Int = 300

    @Flag(help: "End with one JSON object on the last line.")
    var json = false

    @Flag(help: "Log at info level to stderr.")
    var verbose = false

    func validate() throws {
        guard records >= 0 else { throw ValidationError("--records must be 0 or more") }
        guard (0...1).contains(invalidRatio) else { throw ValidationError("--invalid-ratio must be from 0 to 1") }
        guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1") }
    }

    func run() async throws {
        var logger = Logger(label: "metadata-sink.demo") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .info : .warning
        let result = try await DemoRun(
            records: records, invalidRatio: invalidRatio, partitions: partitions, logger: logger
        ).run(timeout: .seconds(timeout))
        print(result.summary)
        if json { print(result.jsonLine) }
        if !result.succeeded { throw ExitCode(1) }
    }
}

/// The demo's work, separate from argument parsing.
struct DemoRun {
    let records: Int
    let invalidRatio: Double
    let partitions: Int32
    let logger: Logger

    static let topic = "customer-events"
    static let deadLetterTopic = "customer-events.dlq"
    static let group = "metadata-sink-demo"

    struct Result {
        var records = 0
        var ingested = 0
        var deadLettered = 0
        var skipped = 0
        var apiRequests = 0
        var offsetsCommitted = false
        var seconds = 0.0
        var byKind: [SampleCustomerEvents.Kind: Int] = [:]

        var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
        var accountedFor: Bool { ingested + deadLettered + skipped == records }
        var succeeded: Bool { accountedFor && offsetsCommitted }

        var summary: String {
            let kinds = SampleCustomerEvents.Kind.allCases.map { "\($0.rawValue) \(byKind[$0, default: 0])" }.joined(separator: ", ")
            return """
                metadata-sink demo: \(records) records (\(kinds))
                  ingested by the API:   \(ingested)
                  dead-lettered:         \(deadLettered)
                  skipped (tombstones):  \(skipped)
                  API requests:          \(apiRequests)
                  offsets committed:     \(offsetsCommitted ? "yes, every partition at its end" : "NO")
                  time:                  \(String(format: "%.2f", seconds)) s (\(Int(recordsPerSecond)) records/s)
                  result:                \(succeeded ? "every record accounted for" : "FAILED: records unaccounted for or offsets not committed")
                """
        }

        var jsonLine: String {
            let object: JSONValue = .object(JSONObject([
                ("records", .integer(records)),
                ("ingested", .integer(ingested)),
                ("deadLettered", .integer(deadLettered)),
                ("skipped", .integer(skipped)),
                ("apiRequests", .integer(apiRequests)),
                ("offsetsCommitted", .bool(offsetsCommitted)),
                ("seconds", .number(String(format: "%.3f", seconds))),
                ("recordsPerSecond", .number(String(format: "%.1f", recordsPerSecond))),
            ]))
            return String(decoding: object.serialized(), as: UTF8.self)
        }
    }

    func run(timeout: Duration) async throws -> Result {
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        try cluster.createTopic(Self.topic, partitions: partitions)
        try cluster.createTopic(Self.deadLetterTopic, partitions: 1)
        let emulator = IngestionAPIEmulator(
            configuration: .init(apiID: "demo-id", apiSecret: "demo-secret", recordItemBytes: false), logger: logger)
        let baseURL = try await emulator.start()
        defer { Task { try? await emulator.shutdown() } }

        var result = Result(records: records)
        let seedProducer = try KafkaProducer(
            configuration: .init(properties: ["bootstrap.servers": cluster.bootstrapServers, "linger.ms": "5"]), logger: logger)
        result.byKind = try await produceSamples(with: seedProducer)
        await seedProducer.shutdown()

        let bootstrap = cluster.bootstrapServers
        let probe = try KafkaConsumer(
            configuration: .init(properties: ["bootstrap.servers": bootstrap, "group.id": Self.group]), logger: logger)
        var ends: [TopicPartition: Int64] = [:]
        for partition in 0..<partitions {
            let tp = TopicPartition(topic: Self.topic, partition: partition)
            ends[tp] = try probe.watermarks(tp).high
        }
        let end = ends

        let http = HTTPClient(logger: logger)
        let consumer = try KafkaConsumer(
            configuration: .init(properties: [
                "bootstrap.servers": bootstrap, "group.id": Self.group, "auto.offset.reset": "earliest",
                // The mock coordinator waits up to the session timeout for departed members.
                "session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
            ], deliveryWindow: PipelineConfiguration().maxBufferedRecords / 2),
            logger: logger)
        try consumer.subscribe(topics: [Self.topic])
        let health = SinkHealth()
        let metrics = SinkMetrics()
        let dlqProducer = try KafkaProducer(
            configuration: .init(properties: ["bootstrap.servers": bootstrap, "message.max.bytes": "16777216"]), logger: logger)
        let pipeline = SinkPipeline(
            consumer: consumer,
            client: IngestionClient(baseURL: baseURL, apiID: "demo-id", apiSecret: "demo-secret", http: http),
            deadLetters: DeadLetterWriter(producer: dlqProducer, topic: Self.deadLetterTopic, health: health, metrics: metrics, logger: logger),
            health: health, metrics: metrics, logger: logger)

        let started = ContinuousClock.now
        let running = Task { try await pipeline.run() }
        let reachedEnd = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await pipeline.progress.wait(until: end); return true }
            group.addTask { try? await Task.sleep(for: timeout); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !reachedEnd { logger.error("demo timed out before every offset was committed", metadata: ["timeout": "\(timeout)"]) }
        pipeline.shutdownGracefully(grace: .seconds(10))
        try await running.value
        result.seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds)
        await dlqProducer.shutdown()
        await http.shutdown()

        let totals = metrics.snapshot
        result.ingested = totals.ingested
        result.deadLettered = totals.deadLettered
        result.skipped = totals.skipped
        result.apiRequests = totals.apiRequests
        // Read back from the broker, not from our own bookkeeping.
        let committed = try probe.committed(Array(end.keys))
        result.offsetsCommitted = end.allSatisfy { partition, offset in
            offset == 0 || committed[partition].flatMap { $0 } == offset
        }
        // Clients go before the cluster they talk to, or they log its disappearance.
        await probe.shutdown()
        withExtendedLifetime(cluster) {}
        return result
    }

    private func produceSamples(with producer: KafkaProducer) async throws -> [SampleCustomerEvents.Kind: Int] {
        var byKind: [SampleCustomerEvents.Kind: Int] = [:]
        var index = 0
        while index < records {
            let chunk = index..<min(records, index + 5_000)
            let batch = chunk.map { i -> KafkaProducerRecord in
                let kind = SampleCustomerEvents.kind(at: i, invalidRatio: invalidRatio)
                byKind[kind, default: 0] += 1
                return KafkaProducerRecord(
                    topic: Self.topic, key: Array("customer-\(i % 1000)".utf8),
                    value: SampleCustomerEvents.value(index: i, kind: kind))
            }
            for result in await producer.sendAll(batch) { _ = try result.get() }
            index = chunk.upperBound
        }
        return byKind
    }
}
