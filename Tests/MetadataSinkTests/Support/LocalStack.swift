import Foundation
import IngestionAPI
import Kafka
import Logging
import Synchronization
import TestSupport
import Testing

/// What a user runs locally: a Kafka cluster (the `dev-broker` command as a child process, or a
/// mock cluster in the test process when a test injects broker faults), the `emulator` command as
/// a child process, and `metadata-sink run` children pointed at both. The test talks to them the
/// way an operator would: Kafka clients, the emulator's admin endpoints, signals.
final class LocalStack: Sendable {
    static let apiID = "stack-id"
    /// Distinctive, so that a test can search every log line for it.
    static let apiSecret = "s3cr3t-\(UInt32.random(in: 100_000...999_999))-never-logged"

    enum Broker: Sendable {
        case process(ChildProcess)
        case inProcess(KafkaMockCluster)
    }

    let broker: Broker
    let emulator: ChildProcess
    let bootstrapServers: String
    let emulatorURL: String
    let emulatorPort: Int
    let topic: String
    let dlqTopic: String
    let partitions: Int32
    let dlqPartitions: Int32
    let producer: KafkaProducer

    /// - Parameters:
    ///   - brokerInProcess: a `KafkaMockCluster` in the test process, for fault injection;
    ///     otherwise a `dev-broker` child.
    ///   - dlqPartitions: more than one when a test dead-letters more than the ~5 MB a mock
    ///     partition keeps.
    init(
        partitions: Int32, dlqPartitions: Int32 = 1, brokers: Int = 1, brokerInProcess: Bool = false,
        emulatorArguments: [String] = []
    ) async throws {
        topic = "events"
        dlqTopic = "events.dlq"
        self.partitions = partitions
        self.dlqPartitions = dlqPartitions
        if brokerInProcess {
            let cluster = try KafkaMockCluster(brokers: brokers, logger: quietLogger("mock"))
            let replicas = Int32(min(brokers, 3))
            try cluster.createTopic(topic, partitions: partitions, replicationFactor: replicas)
            try cluster.createTopic(dlqTopic, partitions: dlqPartitions, replicationFactor: replicas)
            broker = .inProcess(cluster)
            bootstrapServers = cluster.bootstrapServers
        } else {
            let child = try ChildProcess(
                "dev-broker",
                arguments: ["dev-broker", "--brokers", "\(brokers)", "--topic", "\(topic):\(partitions)", "--topic", "\(dlqTopic):\(dlqPartitions)"])
            broker = .process(child)
            bootstrapServers = try await child.firstLine()
        }
        emulator = try ChildProcess(
            "emulator",
            arguments: ["emulator", "--port", "0", "--api-id", Self.apiID, "--api-secret", Self.apiSecret] + emulatorArguments)
        emulatorURL = try await emulator.firstLine()
        guard let port = URLComponents(string: emulatorURL)?.port else {
            throw StackError("the emulator printed \(emulatorURL), not a URL with a port")
        }
        emulatorPort = port
        producer = try KafkaProducer(
            configuration: .init(properties: ["bootstrap.servers": bootstrapServers, "message.max.bytes": "16777216"]),
            logger: quietLogger("seed"))
    }

    /// The stack's own child processes (emulator, and `dev-broker` unless in process), for log checks.
    var children: [ChildProcess] {
        if case .process(let child) = broker { return [emulator, child] }
        return [emulator]
    }

    var cluster: KafkaMockCluster? {
        if case .inProcess(let cluster) = broker { return cluster }
        return nil
    }

    /// The environment of a `run` child: the documented variables, short timings for tests.
    func sinkEnvironment(group: String, _ extra: [String: String] = [:]) -> [String: String] {
        [
            "KAFKA_BOOTSTRAP_SERVERS": bootstrapServers,
            "KAFKA_TOPICS": topic,
            "KAFKA_GROUP_ID": group,
            "KAFKA_DLQ_TOPIC": dlqTopic,
            "API_BASE_URL": emulatorURL,
            "API_ID": Self.apiID,
            "API_SECRET": Self.apiSecret,
            "HTTP_PORT": "0",
            "BATCH_LINGER_MS": "20",
            "SHUTDOWN_GRACE_SECONDS": "15",
            // The mock coordinator waits a departed member's session timeout before finishing a
            // rebalance; a short one keeps rebalance tests quick.
            "KAFKA_PROPERTY_SESSION_TIMEOUT_MS": "6000",
            "KAFKA_PROPERTY_HEARTBEAT_INTERVAL_MS": "500",
            "KAFKA_PROPERTY_FETCH_WAIT_MAX_MS": "50",
        ].merging(extra) { _, new in new }
    }

    /// Starts `metadata-sink run` and waits until it serves its health port.
    func startSink(_ name: String, group: String, environment extra: [String: String] = [:]) async throws -> SinkProcess {
        // Only what the variables say: no stray KAFKA_* or API_* from the machine running the tests.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KAFKA_") && !$0.key.hasPrefix("API_") }
        environment.merge(sinkEnvironment(group: group, extra)) { _, new in new }
        let child = try ChildProcess(name, arguments: ["run"], environment: environment, inheritEnvironment: false)
        let line = try await child.line(containing: "serving /livez")
        guard let port = try JSONParser.parse(line)["port"]?.stringValue.flatMap(Int.init) else {
            throw StackError("no port in \(line)")
        }
        return SinkProcess(child: child, port: port)
    }

    // MARK: records

    struct Produced: Sendable {
        var index: Int
        var kind: SampleCustomerEvents.Kind
        var partition: Int32
        var offset: Int64
        /// What the API should receive as `eventId`: the record's own, or the derived one.
        var eventId: String?
    }

    /// Produces the sample events `indices` (their kinds spread by `invalidRatio`), round-robin
    /// over the partitions.
    func produce(_ indices: Range<Int>, invalidRatio: Double = 0) async throws -> [Produced] {
        let kinds = indices.map { SampleCustomerEvents.kind(at: $0, invalidRatio: invalidRatio) }
        let records = zip(indices, kinds).map { index, kind in
            KafkaProducerRecord(
                topic: topic, partition: Int32(index % Int(partitions)), key: Array("key-\(index)".utf8),
                value: SampleCustomerEvents.value(index: index, kind: kind))
        }
        let reports = try await sendConfirmed(records)
        return zip(zip(indices, kinds), reports).map { pair, report in
            let (index, kind) = pair
            var eventId: String?
            if kind == .valid || kind == .businessRefused {
                eventId = index % 5 == 0
                    ? EventID.derive(topic: report.topic, partition: report.partition, offset: report.offset)
                    : "event-\(index)"
            }
            return Produced(index: index, kind: kind, partition: report.partition, offset: report.offset, eventId: eventId)
        }
    }

    /// Produces arbitrary keys and values (`nil` value: a tombstone) to the given partitions;
    /// they are expected to be dead-lettered (`kind` `.malformed`: any error).
    func produce(raw values: [(partition: Int32, key: [UInt8]?, value: [UInt8]?)], firstIndex: Int = 0) async throws -> [Produced] {
        let records = values.map { entry in
            KafkaProducerRecord(topic: topic, partition: entry.partition, key: entry.key, value: entry.value)
        }
        let reports = try await sendConfirmed(records)
        return reports.enumerated().map { offset, report in
            Produced(index: firstIndex + offset, kind: .malformed, partition: report.partition, offset: report.offset, eventId: nil)
        }
    }

    /// Sends and returns each record's delivery report with its offset. A delivery librdkafka
    /// only inferred (no offset: a duplicate-sequence answer after produce faults) is sent again,
    /// since the test must know where every record is, and the mock cluster may not have it.
    private func sendConfirmed(_ records: [KafkaProducerRecord]) async throws -> [KafkaDeliveryReport] {
        var reports = try await producer.sendAll(records).map { try $0.get() }
        for _ in 0..<10 {
            let unconfirmed = reports.indices.filter { !reports[$0].hasOffset }
            guard !unconfirmed.isEmpty else { return reports }
            let again = try await producer.sendAll(unconfirmed.map { records[$0] }).map { try $0.get() }
            for (index, report) in zip(unconfirmed, again) { reports[index] = report }
        }
        throw StackError("deliveries without an offset after 10 attempts")
    }

    // MARK: what Kafka says

    var probe: KafkaProbe { KafkaProbe(bootstrapServers: bootstrapServers) }

    var topicPartitions: [TopicPartition] { (0..<partitions).map { TopicPartition(topic: topic, partition: $0) } }

    func endOffsets() throws -> [TopicPartition: Int64] {
        try probe.endOffsets(topicPartitions)
    }

    func committed(group: String) throws -> [TopicPartition: Int64?] {
        try probe.committed(group: group, topicPartitions)
    }

    /// Every dead letter written so far (that the mock cluster still keeps), from every DLQ partition.
    func deadLetters() async throws -> [KafkaMessage] {
        var letters: [KafkaMessage] = []
        for partition in 0..<dlqPartitions {
            letters += try await probe.read(TopicPartition(topic: dlqTopic, partition: partition))
        }
        return letters
    }

    // MARK: what the emulator says

    func emulatorAdmin(_ path: String, method: String = "GET", body: String? = nil) throws -> JSONValue {
        let response = try LoopbackHTTP.request(method, port: emulatorPort, path: "/_emulator/\(path)", body: body)
        guard response.status == 200 else { throw StackError("emulator \(path): HTTP \(response.status) \(response.body)") }
        return try JSONParser.parse(response.body)
    }

    /// Every `eventId` the emulator accepted, duplicates included, in order.
    func acceptedEventIds() throws -> [String] {
        try emulatorAdmin("accepted")["eventIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Items the emulator has accepted so far (duplicates included).
    func acceptedCount() throws -> Int {
        try emulatorAdmin("stats")["acceptedItems"]?.intValue ?? 0
    }

    func setEmulatorFaults(_ json: String) throws {
        _ = try emulatorAdmin("faults", method: "POST", body: json)
    }

    // MARK: accounting

    /// Where every produced record ended up.
    struct Accounting: CustomStringConvertible {
        var records = 0
        var ingested = 0
        var deadLettered = 0
        /// Records with neither outcome.
        var lost: [Produced] = []
        /// Outcomes beyond one per record (at-least-once allows them; the suite reports them).
        var duplicates = 0
        /// Dead letters whose error does not fit the record's kind.
        var wrongErrors: [String] = []

        var description: String {
            "records \(records), ingested \(ingested), dead-lettered \(deadLettered), lost \(lost.count), duplicates \(duplicates)"
                + (lost.isEmpty ? "" : ", first lost: \(lost.prefix(5).map { "\($0.partition)@\($0.offset)" })")
        }
    }

    func account(_ produced: [Produced]) async throws -> Accounting {
        let accepted = try acceptedEventIds()
        let letters = try await deadLetters()
        var acceptedCounts: [String: Int] = [:]
        for id in accepted { acceptedCounts[id, default: 0] += 1 }
        var letterCounts: [String: Int] = [:]
        var letterErrors: [String: String] = [:]
        for letter in letters {
            let key = "\(letter.header("dlq.source.partition") ?? "?")@\(letter.header("dlq.source.offset") ?? "?")"
            letterCounts[key, default: 0] += 1
            letterErrors[key] = letter.header("dlq.error") ?? ""
        }
        var result = Accounting(records: produced.count)
        for record in produced {
            let key = "\(record.partition)@\(record.offset)"
            let times = (record.eventId.flatMap { acceptedCounts[$0] } ?? 0) + (letterCounts[key] ?? 0)
            if let id = record.eventId, acceptedCounts[id] != nil { result.ingested += 1 }
            if letterCounts[key] != nil {
                result.deadLettered += 1
                let error = letterErrors[key] ?? ""
                let fits = switch record.kind {
                case .valid: false
                case .schemaInvalid: error.contains("externalCustomerId") && error.contains("pattern")
                case .malformed: !error.isEmpty
                case .businessRefused: !error.isEmpty
                }
                if !fits { result.wrongErrors.append("\(key) (\(record.kind)): \(error)") }
            }
            if times == 0 { result.lost.append(record) }
            result.duplicates += max(0, times - 1)
        }
        return result
    }

    /// The invariant of the sink: below a partition's committed offset, every record has an
    /// outcome. Reading the offsets first and the outcomes after makes the check sound while
    /// the sink runs, since outcomes only accumulate.
    func committedPastUnfinished(group: String, produced: [Produced]) async throws -> [String] {
        let committed = try committed(group: group)
        let accepted = Set(try acceptedEventIds())
        let lettered = Set(try await deadLetters().map {
            "\($0.header("dlq.source.partition") ?? "?")@\($0.header("dlq.source.offset") ?? "?")"
        })
        var violations: [String] = []
        for record in produced {
            guard let committedOffset = committed[TopicPartition(topic: topic, partition: record.partition)] ?? nil,
                  record.offset < committedOffset else { continue }
            let key = "\(record.partition)@\(record.offset)"
            let final = (record.eventId.map(accepted.contains) ?? false) || lettered.contains(key)
            if !final { violations.append("\(key) below committed \(committedOffset)") }
        }
        return violations
    }

    /// Polls an observable condition until it holds: for state that announces nothing (offsets
    /// committed on a broker), where there is no event to await.
    func eventually(
        _ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw StackError("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func committedReachedEnd(group: String) throws -> Bool {
        let end = try endOffsets()
        let committed = try committed(group: group)
        return end.allSatisfy { committed[$0.key] == .some($0.value) || ($0.value == 0 && committed[$0.key] == .some(nil)) }
    }

    func close() async {
        await emulator.stop()
        if case .process(let child) = broker { await child.stop() }
        await producer.shutdown()
    }
}

struct StackError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Records produced so far by a producing task, read while it goes on.
final class ProducedLog: Sendable {
    private let records = Mutex<[LocalStack.Produced]>([])

    func append(_ more: [LocalStack.Produced]) { records.withLock { $0 += more } }
    var all: [LocalStack.Produced] { records.withLock { $0 } }
}

/// A `metadata-sink run` child and its health port.
struct SinkProcess: Sendable {
    let child: ChildProcess
    let port: Int

    func get(_ path: String) throws -> LoopbackResponse {
        try LoopbackHTTP.request(port: port, path: path)
    }

    var isReady: Bool { (try? get("/readyz").status) == 200 }

    /// `/metrics` as name-with-labels → value.
    func metrics() throws -> [String: Double] {
        var result: [String: Double] = [:]
        for line in try get("/metrics").body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            result[String(line[..<space])] = value
        }
        return result
    }

    /// Every log line the child wrote, both streams.
    var logLines: [String] {
        let snapshot = child.snapshot
        return snapshot.stdout + snapshot.stderr
    }
}
