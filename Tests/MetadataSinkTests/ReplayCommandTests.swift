import Foundation
import IngestionAPI
import Kafka
import Testing
@testable import MetadataSink

@Suite("metadata-sink replay, as a process, against the mock cluster and the emulator", .serialized, .timeLimit(.minutes(3)))
struct ReplayCommandTests {
    @Test("replay by offset: the emulator receives exactly that range; the live group's offsets stay as they were")
    func replayByOffset() async throws {
        let fixture = try await RangeCommandFixture(partitions: 2)
        for partition: Int32 in 0...1 {
            try await fixture.produce((0..<60).map { customerEvent("p\(partition)-\($0)") }, partition: partition)
        }
        // The live group is somewhere else entirely.
        let live: [TopicPartition: Int64] = [fixture.partition(0): 60, fixture.partition(1): 45]
        let outsider = try fixture.outsider(group: fixture.group)
        try outsider.commit(live, synchronously: true)

        let output = try await fixture.run(["replay", "--topic", fixture.topic, "--from-offset", "10", "--to-offset", "30", "--json"])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(3000))")
        let expected = (0...1).flatMap { partition in (10..<30).map { "p\(partition)-\($0)" } }
        #expect(fixture.emulator.acceptedEventIds().sorted() == expected.sorted())
        let json = try output.json()
        #expect(json["complete"] == .bool(true))
        #expect(json["records"]?.intValue == 40)
        #expect(json["ingested"]?.intValue == 40)
        #expect(json["deadLettered"]?.intValue == 0)
        #expect(json["partitions"]?.arrayValue?.map { [$0["partition"]?.intValue, $0["start"]?.intValue, $0["end"]?.intValue] }
            == [[0, 10, 30], [1, 10, 30]])
        #expect(output.stdout.contains("every record in the range reached an outcome"))

        #expect(try fixture.committed(group: fixture.group, partitions: fixture.allPartitions) == live.mapValues { Optional($0) })
        #expect(try fixture.committed(group: fixture.group + "-replay", partitions: fixture.allPartitions).values.allSatisfy { $0 == nil })

        // One partition, to the end by default.
        fixture.emulator.reset()
        let tail = try await fixture.run(["replay", "--topic", fixture.topic, "--partition", "1", "--from-offset", "55", "--json"])
        #expect(tail.status == 0, "stderr: \(tail.stderr.suffix(3000))")
        #expect(fixture.emulator.acceptedEventIds().sorted() == (55..<60).map { "p1-\($0)" })
        #expect(try fixture.committed(group: fixture.group, partitions: fixture.allPartitions) == live.mapValues { Optional($0) })
        await outsider.shutdown()
        await fixture.close()
    }

    @Test("replay by time: the range starts at the first record at or after --from-time")
    func replayByTime() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        // 2025-06-01T00:00:00Z plus one second per record.
        let t0: Int64 = 1_748_736_000_000
        try await fixture.produce((0..<100).map { customerEvent("e-\($0)") }, timestamps: (0..<100).map { t0 + Int64($0) * 1000 })
        let output = try await fixture.run([
            "replay", "--topic", fixture.topic,
            "--from-time", "2025-06-01T00:00:40.500Z",  // between records 40 and 41
            "--to-time", "2025-06-01T02:01:10+02:00",  // exactly record 70, in another zone
            "--json",
        ])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(3000))")
        #expect(fixture.emulator.acceptedEventIds().sorted() == (41..<70).map { "e-\($0)" }.sorted())
        let partition = try #require(try output.json()["partitions"]?.arrayValue?.first)
        #expect(partition["start"]?.intValue == 41)
        #expect(partition["end"]?.intValue == 70)
        await fixture.close()
    }

    @Test("dry run: the right counts, nothing sent, nothing dead-lettered, no API credentials needed")
    func dryRun() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        var values: [[UInt8]?] = (0..<20).map { customerEvent("ok-\($0)") }
        values += (0..<5).map { customerEvent("refused-\($0)", customer: "refuse-\($0)") }
        values += (0..<4).map { _ in Array(#"{"externalConversationId":"c","externalCustomerId":"has space"}"#.utf8) }
        values += (0..<3).map { _ in Array(#"{"externalConversationId":"#.utf8) }
        values += [nil, nil]
        try await fixture.produce(values)
        let output = try await fixture.run(
            ["replay", "--topic", fixture.topic, "--from-beginning", "--dry-run", "--json"],
            changes: ["API_ID": nil, "API_SECRET": nil])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(3000))")
        let json = try output.json()
        #expect(json["dryRun"] == .bool(true))
        #expect(json["records"]?.intValue == 34)
        // Validation only: the emulator's business rule is the API's, so refused ones would be sent.
        #expect(json["wouldSend"]?.intValue == 25)
        #expect(json["wouldDeadLetter"]?.intValue == 7)
        #expect(json["wouldDeadLetterByStage"]?["validate"]?.intValue == 4)
        #expect(json["wouldDeadLetterByStage"]?["decode"]?.intValue == 3)
        #expect(json["skipped"]?.intValue == 2)
        #expect(json["ingested"] == nil)
        #expect(output.stdout.contains("would be sent"))
        #expect(fixture.emulator.requests().isEmpty)
        #expect(try fixture.endOffset(TopicPartition(topic: fixture.dlqTopic, partition: 0)) == 0)
        await fixture.close()
    }

    @Test("without a terminal, progress is logged to standard error and the summary goes to standard output")
    func progressAndSummaryStreams() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        try await fixture.produce((0..<10).map { customerEvent("s-\($0)") } + [customerEvent("bad", customer: "refuse-me")])
        let output = try await fixture.run(["replay", "--topic", fixture.topic, "--from-beginning"])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(3000))")
        #expect(output.stderr.contains("replay finished"))
        #expect(!output.stdout.contains("replay finished"))
        #expect(output.stdout.contains("ingested by the API:"))
        #expect(output.stdout.contains("\(fixture.topic)[0]  offsets 0..<11 (11)  done"))
        // The refused one went to the dead-letter topic, as in run.
        let letters = try await fixture.read(fixture.dlqTopic, count: 1)
        #expect(letters.first?.headers.last("dlq.error.stage")?.stringValue == "api")
        await fixture.close()
    }

    @Test("bad input stops before connecting: usage errors exit 64, configuration errors 78 naming the key")
    func badInput() async throws {
        let noStart = try await BinaryProcess.run(["replay", "--topic", "t"])
        #expect(noStart.status == 64)
        #expect(noStart.stderr.contains("--from-offset"))
        let badTime = try await BinaryProcess.run(["replay", "--topic", "t", "--from-time", "last tuesday"])
        #expect(badTime.status == 64)
        #expect(badTime.stderr.contains("RFC 3339"))
        let twoEnds = try await BinaryProcess.run(["replay", "--topic", "t", "--from-beginning", "--to-offset", "3", "--to-time", "2025-06-01T00:00:00Z"])
        #expect(twoEnds.status == 64)
        // Same configuration as run, except that KAFKA_TOPICS is not needed with --topic.
        let config = try await BinaryProcess.run(
            ["replay", "--topic", "t", "--from-beginning"],
            environment: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "KAFKA_DLQ_TOPIC": "t.dlq", "API_ID": "x", "BATCH_MAX_ITEMS": "0"])
        #expect(config.status == 78)
        #expect(config.stderr.contains("API_SECRET"))
        #expect(config.stderr.contains("BATCH_MAX_ITEMS"))
        #expect(!config.stderr.contains("KAFKA_TOPICS"))
    }

    @Test("replaying the dead-letter topic is refused in favour of redrive")
    func dlqTopicIsRefused() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        let output = try await fixture.run(["replay", "--topic", fixture.dlqTopic, "--from-beginning"])
        #expect(output.status == 64)
        #expect(output.stderr.contains("redrive"))
        await fixture.close()
    }
}
