import HTTPClient
import IngestionAPI
import Kafka
import Logging

/// The benchmark's surroundings, each in a process of its own: the mock Kafka cluster
/// (`dev-broker`), which holds the whole benchmark topic in memory, and the API emulator in fast
/// mode (`emulator --fast`), which parses every body and answers every item. Neither one's memory
/// or CPU is charged to the sink.
final class BenchEnvironment: Sendable {
    let broker: BenchChildProcess
    let emulator: BenchChildProcess
    let bootstrapServers: String
    let apiBaseURL: String
    let http: HTTPClient
    let admin: EmulatorAdminClient
    let settings: BenchSettings
    let logger: Logger

    private init(
        broker: BenchChildProcess, emulator: BenchChildProcess, bootstrapServers: String, apiBaseURL: String,
        http: HTTPClient, settings: BenchSettings, logger: Logger
    ) {
        self.broker = broker
        self.emulator = emulator
        self.bootstrapServers = bootstrapServers
        self.apiBaseURL = apiBaseURL
        self.http = http
        self.admin = EmulatorAdminClient(baseURL: apiBaseURL, http: http)
        self.settings = settings
        self.logger = logger
    }

    /// Children log only warnings, as text, to their standard error (which is drained).
    static let quietEnvironment = ["LOG_LEVEL": "warning", "LOG_FORMAT": "text"]

    static func start(settings: BenchSettings, logger: Logger) async throws -> BenchEnvironment {
        let partitions = settings.partitions
        let broker = try BenchChildProcess(
            name: "dev-broker",
            arguments: ["dev-broker",
                        "--topic", "\(BenchSettings.topic):\(partitions)",
                        "--topic", "\(BenchSettings.latencyTopic):\(partitions)",
                        "--topic", "\(BenchSettings.deadLetterTopic):1"],
            environment: quietEnvironment)
        let emulator: BenchChildProcess
        do {
            emulator = try BenchChildProcess(
                name: "emulator",
                arguments: ["emulator", "--port", "0", "--fast", "--no-record-item-bytes",
                            "--api-id", BenchSettings.apiID, "--api-secret", BenchSettings.apiSecret],
                environment: quietEnvironment)
        } catch {
            await broker.terminate()
            throw error
        }
        let http = HTTPClient(logger: logger)
        do {
            let bootstrap = try await broker.firstLine(timeout: .seconds(30))
            let baseURL = try await emulator.firstLine(timeout: .seconds(30))
            logger.info("bench environment up", metadata: ["bootstrap": "\(bootstrap)", "api": "\(baseURL)"])
            return BenchEnvironment(
                broker: broker, emulator: emulator, bootstrapServers: bootstrap, apiBaseURL: baseURL,
                http: http, settings: settings, logger: logger)
        } catch {
            await http.shutdown()
            await emulator.terminate()
            await broker.terminate()
            throw error
        }
    }

    func stop() async {
        await http.shutdown()
        await emulator.terminate()
        await broker.terminate()
    }

    /// A consumer for looking things up (watermarks, a group's committed offsets); it never
    /// subscribes, so it never joins the group it names.
    func probe(group: String) throws -> KafkaConsumer {
        try KafkaConsumer(
            configuration: .init(properties: ["bootstrap.servers": bootstrapServers, "group.id": group]),
            logger: logger)
    }

    /// The next offset of every partition of `topic`.
    func ends(of topic: String) async throws -> [TopicPartition: Int64] {
        let probe = try probe(group: "bench-probe")
        var ends: [TopicPartition: Int64] = [:]
        for partition in 0..<settings.partitions {
            let tp = TopicPartition(topic: topic, partition: partition)
            ends[tp] = try probe.watermarks(tp).high
        }
        await probe.shutdown()
        return ends
    }

    /// Writes the backlog: `settings.records` records round-robin over the partitions. The
    /// producer lingers so that message sets are large, as a busy topic's are (the mock cluster
    /// answers a fetch with one message set per partition).
    func produceBacklog() async throws -> [TopicPartition: Int64] {
        let producer = try KafkaProducer(
            configuration: .init(properties: [
                "bootstrap.servers": bootstrapServers, "linger.ms": "100", "batch.num.messages": "10000",
            ]),
            logger: logger)
        var index = 0
        while index < settings.records {
            let chunk = index..<min(settings.records, index + 20_000)
            let records = chunk.map { i in
                KafkaProducerRecord(
                    topic: BenchSettings.topic, partition: Int32(i % Int(settings.partitions)),
                    value: BenchRecords.value(index: i, bytes: settings.recordBytes, eventIdPrefix: "bench"))
            }
            for result in await producer.sendAll(records) { _ = try result.get() }
            index = chunk.upperBound
        }
        await producer.shutdown()
        let ends = try await ends(of: BenchSettings.topic)
        let stored = ends.values.reduce(0, +)
        guard stored == Int64(settings.records) else {
            throw BenchError("the mock cluster holds \(stored) of \(settings.records) records; fewer records or more partitions")
        }
        return ends
    }
}
