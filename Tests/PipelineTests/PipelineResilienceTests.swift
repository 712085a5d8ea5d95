import TestSupport
import IngestionAPI
import Kafka
@testable import Pipeline
import Testing

@Suite("Pipeline resilience: restarts, dead-letter faults, bad input", .serialized, .timeLimit(.minutes(3)))
struct PipelineResilienceTests {
    @Test("restart without committing mid-batch: nothing is lost, only uncommitted records repeat")
    func restartMidBatch() async throws {
        let harness = try await PipelineHarness(partitions: 2)
        let count = 200
        let reports = try await harness.produce((0..<count).map {
            CustomerMetadata(externalConversationId: "c-\($0)", externalCustomerId: "u-\($0)", eventId: "e-\($0)").serialized()
        })
        var location: [String: (TopicPartition, Int64)] = [:]
        for (index, report) in reports.enumerated() {
            location["e-\(index)"] = (TopicPartition(topic: report.topic, partition: report.partition), report.offset)
        }
        // Slow, small batches so that the stop lands in the middle of the work.
        harness.emulator.setLatency(.milliseconds(150))
        var configuration = PipelineConfiguration.testing
        configuration.batchMaxItems = 20
        configuration.maxInFlight = 1
        let first = try harness.makePipeline(configuration: configuration)
        try await harness.emulator.waitForAcceptedItems(count: 60)
        await first.abort()
        let committedAtStop = try harness.committed()
        let acceptedBeforeRestart = harness.emulator.acceptedEventIds().count
        #expect(acceptedBeforeRestart < count)

        harness.emulator.setLatency(.zero)
        let second = try harness.makePipeline(configuration: configuration)
        await second.pipeline.progress.wait(until: try harness.endOffsets())
        try await second.stopGracefully()

        let accepted = harness.emulator.acceptedEventIds()
        // No loss: every record reached the API.
        #expect(Set(accepted) == Set((0..<count).map { "e-\($0)" }))
        // Only records at or past the committed offset of their partition were sent twice.
        var seen: Set<String> = []
        for eventId in accepted where !seen.insert(eventId).inserted {
            let (partition, offset) = try #require(location[eventId])
            let committed = committedAtStop[partition].flatMap { $0 } ?? 0
            #expect(offset >= committed, "\(eventId) at \(partition)@\(offset) repeated though committed \(committed)")
        }
        #expect(try harness.deadLetterCount() == 0)
        await harness.close()
    }

    @Test("dead-letter produce failure: the commit never passes the failed record; it is delivered once errors clear")
    func deadLetterProduceFailure() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        let invalid = Array(#"{"externalConversationId":"bad id","externalCustomerId":"u-0"}"#.utf8)
        let valid = (1...3).map {
            CustomerMetadata(externalConversationId: "c-\($0)", externalCustomerId: "u-\($0)", eventId: "e-\($0)").serialized()
        }
        try await harness.produce([invalid] + valid)
        // Every Produce request fails until cleared; deliveries time out fast so the writer's
        // own retry path runs, not only librdkafka's.
        harness.cluster.pushRequestErrors(.produce, Array(repeating: .notEnoughReplicas, count: 100_000))
        let running = try harness.makePipeline(deadLetterProperties: ["message.timeout.ms": "1000", "retry.backoff.ms": "100"])
        await running.health.wait { $0.deadLetterUnwritable }
        try await harness.emulator.waitForAcceptedItems(count: 3)
        let partition = TopicPartition(topic: harness.topic, partition: 0)
        // The three valid records after it are ingested, yet the commit holds at the failed one.
        #expect((try harness.committed()[partition] ?? nil) ?? 0 == 0)
        #expect(!running.health.snapshot.isReady)
        #expect(running.metrics.snapshot.dlqProduceFailures >= 1)

        harness.cluster.clearRequestErrors(.produce)
        await running.pipeline.progress.wait(until: try harness.endOffsets())
        let letters = try await harness.deadLetters(count: 1)
        #expect(letters.count == 1)
        #expect(letters.first?.value == invalid)
        #expect(letters.first?.header("dlq.error.stage") == "validate")
        #expect(letters.first?.header("dlq.error")?.contains("externalConversationId") == true)
        #expect(!running.health.snapshot.deadLetterUnwritable)
        try await running.stopGracefully()
        #expect(try harness.committed()[partition] == .some(4))
        await harness.close()
    }

    @Test("partitions paused by a retrying batch are read again after a rebalance gives them back")
    func pausedPartitionsResumeAfterRebalance() async throws {
        let harness = try await PipelineHarness(partitions: 2)
        let running = try harness.makePipeline()
        await running.health.wait { $0.joinedGroup }
        // The API is down: the first batch retries, and its partitions are paused meanwhile.
        harness.emulator.setOutage(status: 503, for: .seconds(600))
        try await harness.produce((0..<10).map {
            CustomerMetadata(externalConversationId: "c-\($0)", externalCustomerId: "u-\($0)", eventId: "e-\($0)").serialized()
        })
        while harness.emulator.stats.requests < 2 { try await Task.sleep(for: .milliseconds(20)) }

        // Another member joins and leaves: both partitions are revoked and come back.
        let other = try KafkaConsumer(configuration: .init(properties: harness.consumerProperties()), logger: quietLogger("other"))
        try other.subscribe(topics: [harness.topic])
        var events = other.events.makeAsyncIterator()
        while let event = await events.next() {
            if case .assigned(let partitions) = event, !partitions.isEmpty { break }
            if case .revoked(_, _, let revocation) = event { revocation.acknowledge() }
        }
        harness.emulator.clearOutage()
        await other.shutdown()

        // Records produced after the rebalance reach the API on both partitions.
        try await harness.produce((10..<20).map {
            CustomerMetadata(externalConversationId: "c-\($0)", externalCustomerId: "u-\($0)", eventId: "e-\($0)").serialized()
        })
        let deadline = ContinuousClock.now + .seconds(60)
        while Set(harness.emulator.acceptedEventIds()).count < 20, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(Set(harness.emulator.acceptedEventIds()) == Set((0..<20).map { "e-\($0)" }))
        try await running.stopGracefully()
        await harness.close()
    }

    @Test("an assigned partition that is never fetched is reported, and no longer once it is fetched")
    func unfetchedPartitionIsReported() async throws {
        let harness = try await PipelineHarness(partitions: 2)
        // Partition 1 has no leader: the consumer is assigned it but cannot fetch it.
        try harness.cluster.setPartitionLeader(harness.topic, 1, broker: -1)
        var configuration = PipelineConfiguration.testing
        configuration.unfetchedPartitionWarning = .milliseconds(500)
        let running = try harness.makePipeline(configuration: configuration)
        await running.health.wait { $0.joinedGroup }
        try await harness.produce([CustomerMetadata(externalConversationId: "c-0", externalCustomerId: "u-0", eventId: "e-0").serialized()], partition: 0)
        let deadline = ContinuousClock.now + .seconds(60)
        // Partition 0 is read meanwhile.
        while running.metrics.unfetchedPartitions != 1 || harness.emulator.acceptedEventIds().isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(running.metrics.unfetchedPartitions == 1)
        #expect(harness.emulator.acceptedEventIds() == ["e-0"])

        // Its leader is back: partition 1 is fetched, its record arrives, and the gauge clears.
        try harness.cluster.setPartitionLeader(harness.topic, 1, broker: 1)
        try await harness.produce([CustomerMetadata(externalConversationId: "c-1", externalCustomerId: "u-1", eventId: "e-1").serialized()], partition: 1)
        while running.metrics.unfetchedPartitions != 0 || harness.emulator.acceptedEventIds().count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(running.metrics.unfetchedPartitions == 0)
        #expect(Set(harness.emulator.acceptedEventIds()) == ["e-0", "e-1"])
        try await running.stopGracefully()
        await harness.close()
    }

    @Test("a commit the broker refuses is made again, even when no further record arrives")
    func refusedCommitIsRetried() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        let count = 50
        try await harness.produce((0..<count).map {
            CustomerMetadata(externalConversationId: "c-\($0)", externalCustomerId: "u-\($0)", eventId: "e-\($0)").serialized()
        })
        // The coordinator refuses the first commits, as Kafka does with a stale generation during
        // a cooperative rebalance, when the member keeps its partitions and nothing else resets
        // their offsets. The records are all produced already: no later record brings a new
        // offset to commit.
        harness.cluster.pushRequestErrors(.offsetCommit, Array(repeating: .rebalanceInProgress, count: 3))
        let running = try harness.makePipeline()
        let end = try harness.endOffsets()
        await running.pipeline.progress.wait(until: end)
        // Progress counts only what the broker acknowledged.
        let partition = TopicPartition(topic: harness.topic, partition: 0)
        #expect(try harness.committed()[partition] == .some(Int64(count)))
        #expect(harness.emulator.acceptedEventIds().count >= count)
        try await running.stopGracefully()
        #expect(try harness.committed()[partition] == .some(Int64(count)))
        await harness.close()
    }

    @Test("a dead letter delivered only by inference (duplicate sequence, no offset) is written again")
    func unconfirmedDeadLetterIsWrittenAgain() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        let invalid = Array(#"{"externalConversationId":"bad id","externalCustomerId":"u-0"}"#.utf8)
        try await harness.produce([invalid])
        // The next Produce answer says "duplicate sequence number" without writing anything:
        // librdkafka reports the dead letter delivered, with no offset.
        harness.cluster.pushRequestErrors(.produce, [.duplicateSequenceNumber])
        let running = try harness.makePipeline()
        let partition = TopicPartition(topic: harness.topic, partition: 0)
        let deadline = ContinuousClock.now + .seconds(20)
        while try harness.committed()[partition] != .some(1), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try harness.committed()[partition] == .some(1))
        // Committed, so the dead letter must be in the topic.
        #expect(try harness.deadLetterCount() == 1)
        try await running.stopGracefully()
        await harness.close()
    }

    @Test("bad input gets its documented outcome and the pipeline keeps running")
    func badInput() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        let deep = Array(repeating: UInt8(ascii: "["), count: 10_000) + Array(repeating: UInt8(ascii: "]"), count: 10_000)
        let hugeField = Array(#"{"externalConversationId":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: 1_048_576)
            + Array(#"","externalCustomerId":"u-1"}"#.utf8)
        let values: [[UInt8]?] = [
            [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D],  // invalid UTF-8 inside a string
            Array("[1,2,3]".utf8),  // JSON, but not an object
            deep,
            hugeField,
            nil,  // tombstone
            CustomerMetadata(externalConversationId: "c-ok", externalCustomerId: "u-ok", eventId: "e-ok").serialized(),
        ]
        try await harness.produce(values)
        let running = try harness.makePipeline()
        await running.pipeline.progress.wait(until: try harness.endOffsets())
        #expect(harness.emulator.acceptedEventIds() == ["e-ok"])
        let letters = try await harness.deadLetters(count: 4).sorted { Int($0.header("dlq.source.offset")!)! < Int($1.header("dlq.source.offset")!)! }
        #expect(letters.map { $0.header("dlq.error.stage") } == ["decode", "decode", "decode", "validate"])
        let errors = letters.map { $0.header("dlq.error") ?? "" }
        #expect(errors[0].contains("UTF-8"))
        #expect(errors[1].contains("expected an object"))
        #expect(errors[2].contains("depth") || errors[2].contains("nest"))
        #expect(errors[3].contains("externalConversationId") && errors[3].contains("maxLength"))
        #expect(letters[3].value == hugeField)
        let totals = running.metrics.snapshot
        #expect(totals.skipped == 1)
        #expect(totals.consumed == 6)
        #expect(totals.deadLettered == 4)
        #expect(totals.ingested == 1)
        try await running.stopGracefully()
        #expect(try harness.committed()[TopicPartition(topic: harness.topic, partition: 0)] == .some(6))
        await harness.close()
    }
}
