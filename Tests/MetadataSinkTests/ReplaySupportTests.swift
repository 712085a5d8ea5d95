import Foundation
import IngestionAPI
import Kafka
import Logging
import Pipeline
import Testing
@testable import MetadataSink

@Suite("RFC 3339 times for --from-time, --to-time")
struct RFC3339ParsingTests {
    @Test("date-times with a zone parse to epoch milliseconds", arguments: [
        ("2025-06-01T00:00:00Z", 1_748_736_000_000),
        ("2025-06-01t00:00:00z", 1_748_736_000_000),
        ("2025-06-01 00:00:00Z", 1_748_736_000_000),
        ("2025-06-01T02:00:00+02:00", 1_748_736_000_000),
        ("2025-05-31T19:30:00-04:30", 1_748_736_000_000),
        ("2025-06-01T00:00:00.5Z", 1_748_736_000_500),
        ("2025-06-01T00:00:00.123456789Z", 1_748_736_000_123),
        ("1969-12-31T23:59:59.000Z", -1000),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
    ] as [(String, Int64)])
    func parses(text: String, milliseconds: Int64) {
        #expect(RFC3339Timestamp.milliseconds(parsing: text) == milliseconds)
    }

    @Test("anything else is refused", arguments: [
        "2025-06-01", "2025-06-01T00:00:00", "2025-06-01T00:00Z", "2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z",
        "2025-06-01T24:00:00Z", "2025-06-01T00:00:00.Z", "2025-06-01T00:00:00+0200", " 2025-06-01T00:00:00Z",
        "2025-06-01T00:00:00Z trailing", "yesterday", "",
    ])
    func refuses(text: String) {
        #expect(RFC3339Timestamp.milliseconds(parsing: text) == nil)
    }

    @Test("a parsed time prints back as it was meant")
    func roundTrip() {
        #expect(RangeBound.time(1_748_736_000_500).description == "time 2025-06-01T00:00:00.500Z")
        #expect(RangeBound.time(-1).description == "time 1969-12-31T23:59:59.999Z")
    }
}

@Suite("Progress and summaries of replay and redrive")
struct RangeReportingTests {
    @Test("the progress bar shows done/total, percent, rate and ETA")
    func bar() {
        let snapshot = ProgressReporter.Snapshot(done: 400, total: 1000, elapsed: .seconds(2))
        #expect(snapshot.bar(label: "replay", width: 10) == "replay [####------]  40% 400/1000 records  200/s  ETA 00:03")
        #expect(ProgressReporter.Snapshot(done: 0, total: 50, elapsed: .zero).etaText == "--:--")
        #expect(ProgressReporter.Snapshot(done: 1, total: 7201, elapsed: .seconds(1)).etaText == "2:00:00")
        let empty = ProgressReporter.Snapshot(done: 0, total: 0, elapsed: .seconds(1))
        #expect(empty.bar(label: "redrive", width: 4) == "redrive [####] 100% 0/0 records  0/s  ETA 00:00")
        // Done beyond the total (an offset gap counted at the end) never shows over 100%.
        #expect(ProgressReporter.Snapshot(done: 12, total: 10, elapsed: .seconds(1)).percent == 100)
    }

    @Test("a summary is complete only when every partition reached its end; it says where each stopped")
    func summary() throws {
        let p0 = TopicPartition(topic: "t", partition: 0)
        let p1 = TopicPartition(topic: "t", partition: 1)
        var totals = SinkMetrics.Totals()
        totals.consumed = 15
        totals.ingested = 12
        totals.deadLetteredValidate = 2
        totals.skipped = 1
        var summary = RangeSummary(
            command: "replay", topic: "t", target: "api", dryRun: false,
            ranges: [PartitionRange(partition: p0, start: 10, end: 20), PartitionRange(partition: p1, start: 5, end: 5)],
            positions: [p0: 20], totals: totals, seconds: 1)
        #expect(summary.complete)
        #expect(summary.text.contains("t[0]  offsets 10..<20 (10)  done"))
        #expect(summary.text.contains("t[1]  offsets 5..<5 (0)  empty"))
        let json = try JSONParser.parse(Array(summary.json.utf8))
        #expect(json["ingested"]?.intValue == 12)
        #expect(json["deadLetteredByStage"]?["validate"]?.intValue == 2)
        #expect(json["partitions"]?.arrayValue?.first?["position"]?.intValue == 20)

        summary.positions = [p0: 14]
        #expect(!summary.complete)
        #expect(summary.text.contains("stopped at 14"))
        #expect(summary.text.contains("INCOMPLETE"))
        #expect(try JSONParser.parse(Array(summary.json.utf8))["complete"] == .bool(false))
    }
}

@Suite("Configuration needs of replay, redrive and offsets")
struct ConfigurationNeedsTests {
    @Test("a setting a command does not need may be unset")
    func unneededMayBeUnset() async throws {
        let configuration = try await SinkConfiguration.load(
            environment: ["KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"], needs: [])
        #expect(configuration.kafka.topics.isEmpty)
        #expect(configuration.kafka.dlqTopic.isEmpty)
        #expect(configuration.api.id.isEmpty && configuration.api.secret.isEmpty)
    }

    @Test("but is still checked when set, and what is needed is still required (exit 78 naming the key)")
    func stillChecked() async throws {
        await #expect {
            _ = try await SinkConfiguration.load(
                environment: ["KAFKA_BOOTSTRAP_SERVERS": "localhost:9092", "KAFKA_TOPICS": "bad topic", "API_ID": "only-id"],
                needs: [.deadLetterTopic])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return Set(error.keys) == ["KAFKA_TOPICS", "KAFKA_DLQ_TOPIC"]
        }
        await #expect {
            _ = try await SinkConfiguration.load(environment: TestEnvironment.minimal(["KAFKA_TOPICS": nil]))
        } throws: { error in
            (error as? ConfigurationError)?.keys == ["KAFKA_TOPICS"]
        }
    }
}

@Suite("Helm replay Job and the replay command agree")
struct HelmReplayJobTests {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test("every flag the Job template passes is an option of replay, and its argument lists parse")
    func flagsExist() throws {
        let template = try String(
            contentsOf: Self.repositoryRoot.appendingPathComponent("helm/metadata-sink/templates/job-replay.yaml"), encoding: .utf8)
        let flags = Set(template.matches(of: /"(--[a-z][a-z-]*)"/).map { String($0.output.1) })
        #expect(flags == ["--topic", "--partition", "--from-offset", "--from-time", "--from-beginning",
                          "--to-offset", "--to-time", "--dry-run", "--rate"])
        // The argument lists the chart tests expect it to render (Tests/Deployment/test_chart.py).
        for arguments in [
            ["replay", "--topic", "customer-events", "--partition", "0", "--partition", "2",
             "--from-offset", "0", "--to-offset", "1500", "--dry-run", "--rate", "200"],
            ["replay", "--topic", "customer-events", "--from-time", "2025-06-01T00:00:00Z", "--to-time", "2025-06-02T00:00:00+02:00"],
            ["replay", "--topic", "customer-events", "--from-beginning"],
        ] {
            #expect(throws: Never.self) { _ = try MetadataSink.parseAsRoot(arguments) }
        }
    }
}

@Suite("Range resolution against the mock cluster")
struct RangeResolverTests {
    @Test("bounds are kept within what each partition holds, each adjustment noted")
    func clamping() async throws {
        let fixture = try await RangeCommandFixture(partitions: 2)
        try await fixture.produce((0..<10).map { customerEvent("r-\($0)") }, partition: 0)
        let reader = try KafkaPartitionReader(properties: ["bootstrap.servers": fixture.cluster.bootstrapServers], logger: Logger(label: "r"))
        let resolver = RangeResolver(reader: reader, logger: Logger(label: "r"))
        let partitions = try resolver.partitions(of: fixture.topic, requested: [])
        #expect(partitions == fixture.allPartitions)
        #expect(throws: RangeCommandError.self) { try resolver.partitions(of: fixture.topic, requested: [2]) }

        let pastEnd = try resolver.resolve(partitions, from: .offset(4), to: .offset(25))
        #expect(pastEnd.ranges == [
            PartitionRange(partition: fixture.partition(0), start: 4, end: 10),
            PartitionRange(partition: fixture.partition(1), start: 0, end: 0),
        ])
        #expect(pastEnd.notes.contains { $0.contains("end 25 is past the end (10)") })
        #expect(pastEnd.notes.contains { $0.contains("start 4 is past the end (0)") })

        let backwards = try resolver.resolve([fixture.partition(0)], from: .offset(6), to: .offset(3))
        #expect(backwards.ranges == [PartitionRange(partition: fixture.partition(0), start: 6, end: 6)])
        #expect(backwards.ranges.totalCount == 0)
        #expect(try resolver.resolve([fixture.partition(0)], from: .beginning, to: .end).ranges.totalCount == 10)
        await fixture.close()
    }
}
