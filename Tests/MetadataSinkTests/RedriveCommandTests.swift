import Foundation
import IngestionAPI
import Kafka
import Testing

@Suite("metadata-sink redrive, as a process, against the mock cluster and the emulator", .serialized, .timeLimit(.minutes(3)))
struct RedriveCommandTests {
    /// Produces records the emulator refuses by its business rule (alpha and beta customers),
    /// schema-invalid ones and valid ones, and replays them so that the dead-letter topic holds
    /// what the pipeline writes. Returns the refused eventIds by group, and the dead-letter count.
    private func deadLetterSome(_ fixture: RangeCommandFixture) async throws -> (alpha: [String], beta: [String], letters: Int) {
        var values: [[UInt8]?] = []
        var alpha: [String] = []
        var beta: [String] = []
        for index in 0..<30 {
            switch index % 5 {
            case 1:
                values.append(customerEvent("alpha-\(index)", customer: "refuse-alpha-\(index)"))
                alpha.append("alpha-\(index)")
            case 2:
                values.append(customerEvent("beta-\(index)", customer: "refuse-beta-\(index)"))
                beta.append("beta-\(index)")
            case 3:
                values.append(Array(#"{"externalConversationId":"c-\#(index)","externalCustomerId":"has space"}"#.utf8))
            default:
                values.append(customerEvent("ok-\(index)"))
            }
        }
        try await fixture.produce(values)
        let replay = try await fixture.run(["replay", "--topic", fixture.topic, "--from-beginning", "--json"])
        #expect(replay.status == 0, "stderr: \(replay.stderr.suffix(2000))")
        let letters = try fixture.endOffset(TopicPartition(topic: fixture.dlqTopic, partition: 0))
        #expect(letters == 18)
        // The cause is fixed: the API accepts them now.
        fixture.emulator.reset()
        fixture.emulator.setBusinessRulePrefix(nil)
        return (alpha, beta, Int(letters))
    }

    @Test("refused records reach the API once it accepts them; a second redrive finds nothing new")
    func redriveToTheAPI() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        let (alpha, beta, letters) = try await deadLetterSome(fixture)

        let first = try await fixture.run(["redrive", "--stage", "api", "--json"])
        #expect(first.status == 0, "stderr: \(first.stderr.suffix(3000))")
        #expect(fixture.emulator.acceptedEventIds().sorted() == (alpha + beta).sorted())
        let json = try first.json()
        #expect(json["complete"] == .bool(true))
        #expect(json["read"]?.intValue == letters)
        #expect(json["ingested"]?.intValue == alpha.count + beta.count)
        #expect(json["filtered"]?.intValue == letters - alpha.count - beta.count)
        #expect(json["deadLettered"]?.intValue == 0)
        let dlq = TopicPartition(topic: fixture.dlqTopic, partition: 0)
        #expect(try fixture.committed(group: fixture.group + "-redrive", partitions: [dlq]) == [dlq: Int64(letters)])

        let second = try await fixture.run(["redrive", "--json"])
        #expect(second.status == 0, "stderr: \(second.stderr.suffix(3000))")
        #expect(try second.json()["records"]?.intValue == 0)
        #expect(try second.json()["read"]?.intValue == 0)
        #expect(fixture.emulator.acceptedEventIds().count == alpha.count + beta.count)
        #expect(try fixture.endOffset(dlq) == Int64(letters))
        await fixture.close()
    }

    @Test("--error-match selects only dead letters whose error matches")
    func errorMatch() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        let (alpha, _, letters) = try await deadLetterSome(fixture)
        let output = try await fixture.run(["redrive", "--error-match", "customer refuse-alpha-[0-9]+ is blocked", "--json"])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(3000))")
        #expect(fixture.emulator.acceptedEventIds().sorted() == alpha.sorted())
        let json = try output.json()
        #expect(json["ingested"]?.intValue == alpha.count)
        #expect(json["filtered"]?.intValue == letters - alpha.count)
        await fixture.close()
    }

    @Test("records that fail again go back to the dead-letter topic with dlq.redrive.count 1")
    func failsAgain() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        let (alpha, _, letters) = try await deadLetterSome(fixture)
        fixture.emulator.setBusinessRulePrefix("refuse-alpha")
        let output = try await fixture.run(["redrive", "--stage", "api", "--json"])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(3000))")
        #expect(try output.json()["deadLettered"]?.intValue == alpha.count)
        let all = try await fixture.read(fixture.dlqTopic, count: letters + alpha.count)
        let again = all.dropFirst(letters)
        #expect(again.count == alpha.count)
        #expect(again.allSatisfy { $0.headers.last("dlq.redrive.count")?.stringValue == "1" })
        #expect(again.allSatisfy { $0.headers.last("dlq.source.topic")?.stringValue == fixture.topic })
        #expect(again.compactMap { $0.headers.last("dlq.event.id")?.stringValue }.sorted() == alpha.sorted())
        await fixture.close()
    }

    @Test("--to topic:NAME republishes the original key, value and headers, without the dlq ones")
    func republishToTopic() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        let (alpha, beta, _) = try await deadLetterSome(fixture)
        let target = fixture.topic + ".retry"
        try fixture.cluster.createTopic(target, partitions: 1)
        let output = try await fixture.run(["redrive", "--stage", "api", "--to", "topic:\(target)", "--json"])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(3000))")
        #expect(try output.json()["republished"]?.intValue == alpha.count + beta.count)
        #expect(fixture.emulator.requests().isEmpty)
        let republished = try await fixture.read(target, count: alpha.count + beta.count)
        let names = republished.compactMap { $0.value }.compactMap { try? JSONParser.parse($0)["eventId"]?.stringValue }
        #expect(names.sorted() == (alpha + beta).sorted())
        #expect(republished.allSatisfy { message in message.headers.map(\.key) == ["trace"] })
        #expect(republished.allSatisfy { $0.key?.starts(with: Array("key-".utf8)) == true })
        await fixture.close()
    }

    @Test("a dry run reports what it would take and commits nothing")
    func dryRun() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        let (alpha, beta, letters) = try await deadLetterSome(fixture)
        let output = try await fixture.run(["redrive", "--stage", "api", "--dry-run", "--json"], changes: ["API_ID": nil, "API_SECRET": nil])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(3000))")
        let json = try output.json()
        #expect(json["wouldSend"]?.intValue == alpha.count + beta.count)
        #expect(json["filtered"]?.intValue == letters - alpha.count - beta.count)
        #expect(fixture.emulator.requests().isEmpty)
        let dlq = TopicPartition(topic: fixture.dlqTopic, partition: 0)
        #expect(try fixture.committed(group: fixture.group + "-redrive", partitions: [dlq]) == [dlq: nil])
        await fixture.close()
    }

    @Test("an interrupted redrive exits 1 saying where it stopped, and the next one continues there")
    func interruptedThenContinued() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        let (alpha, beta, letters) = try await deadLetterSome(fixture)
        let refused = alpha + beta
        // Slow enough to interrupt (four records a second, in batches of four), with a drain
        // too short to send everything already read.
        var environment = fixture.environment
        environment["SHUTDOWN_GRACE_SECONDS"] = "1"
        let first = try SignalledBinary(["redrive", "--stage", "api", "--rate", "4", "--json"], environment: environment)
        let started = try await withTestDeadline(.seconds(30)) { try await fixture.emulator.waitForAcceptedItems(count: 4) }
        #expect(started, "\(first.allOutput.suffix(2000))")
        let status = try await first.stop()
        #expect(status == 1, "\(first.allOutput.suffix(2000))")
        #expect(first.output.contains("INCOMPLETE"))
        #expect(first.output.contains("stopped at"))
        #expect(Set(fixture.emulator.acceptedEventIds()).count < refused.count)
        let dlq = TopicPartition(topic: fixture.dlqTopic, partition: 0)
        let committed = try #require(try fixture.committed(group: fixture.group + "-redrive", partitions: [dlq])[dlq] ?? nil)
        #expect(committed > 0 && committed < Int64(letters))

        let second = try await fixture.run(["redrive", "--stage", "api", "--json"])
        #expect(second.status == 0, "stderr: \(second.stderr.suffix(3000))")
        #expect(try second.json()["partitions"]?.arrayValue?.first?["start"]?.intValue == Int(committed))
        // Every refused record reached the API. At least once: a batch cut off mid-request by the
        // end of the grace period may have reached it in both runs, but no more than that one.
        let accepted = fixture.emulator.acceptedEventIds()
        #expect(Set(accepted) == Set(refused))
        #expect(accepted.count <= refused.count + 4)
        await fixture.close()
    }

    @Test("the live group cannot be the redrive's group")
    func liveGroupIsRefused() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        let output = try await fixture.run(["redrive", "--group", fixture.group])
        #expect(output.status == 64)
        #expect(output.stderr.contains("is the live group"))
        await fixture.close()
    }
}
