import TestSupport
import IngestionAPI
import Kafka
@testable import Pipeline
import Testing

private func valid(_ index: Int, customer: String? = nil, eventId: String? = nil) -> [UInt8] {
    CustomerMetadata(
        externalConversationId: "conv-\(index)",
        externalCustomerId: customer ?? "customer-\(index)",
        eventId: eventId ?? "event-\(index)",
        emailAddress: "c\(index)@example.com"
    ).serialized()
}

@Suite("Pipeline delivery against the emulator", .serialized, .timeLimit(.minutes(2)))
struct PipelineDeliveryTests {
    @Test("partial success: only the refused item is dead-lettered, with the exact error; the others are sent once")
    func partialSuccess() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        var values = (0..<5).map { valid($0) }
        values[2] = valid(2, customer: "refuse-blocked")
        let reports = try await harness.produce(values)
        let running = try harness.makePipeline()
        await running.pipeline.progress.wait(until: try harness.endOffsets())

        let accepted = harness.emulator.acceptedEventIds()
        #expect(accepted.sorted() == ["event-0", "event-1", "event-3", "event-4"])
        // Sent once: one request carried all five, and nothing was resent.
        #expect(harness.emulator.requests().map(\.itemCount) == [5])

        let letters = try await harness.deadLetters(count: 1)
        let letter = try #require(letters.first)
        #expect(letter.header("dlq.error") == "FAIL_BUSINESS_RULE: ERROR: customer refuse-blocked is blocked")
        #expect(letter.header("dlq.error.stage") == "api")
        #expect(letter.header("dlq.error.status") == "200")
        #expect(letter.header("dlq.source.topic") == harness.topic)
        #expect(letter.header("dlq.source.partition") == "0")
        #expect(letter.header("dlq.source.offset") == String(reports[2].offset))
        #expect(letter.header("dlq.event.id") == "event-2")
        #expect(letter.header("dlq.source.timestamp") != nil)
        #expect(letter.header("dlq.failed.at")?.hasSuffix("Z") == true)
        // The original, byte for byte: value, key and headers.
        #expect(letter.value == values[2])
        #expect(letter.key == Array("key-2".utf8))
        #expect(letter.header("trace") == "t-2")
        #expect(running.metrics.snapshot.ingested == 4)
        #expect(running.metrics.snapshot.deadLetteredAPI == 1)
        try await running.stopGracefully()
        let committed = try harness.committed()
        #expect(committed[TopicPartition(topic: harness.topic, partition: 0)] == .some(5))
        await harness.close()
    }

    @Test("a record without eventId gets a deterministic one; valid bytes are otherwise sent as they are")
    func derivedEventId() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        let raw = Array(#"  {"externalConversationId":"c-1","externalCustomerId":"x@y.z","extra":{"n":1.50}}"#.utf8)
        let reports = try await harness.produce([raw, valid(1)])
        let running = try harness.makePipeline()
        await running.pipeline.progress.wait(until: try harness.endOffsets())
        let items = harness.emulator.acceptedItems()
        let derived = EventID.derive(topic: harness.topic, partition: 0, offset: reports[0].offset)
        #expect(items.map(\.eventId) == [derived, "event-1"])
        // The emulator records each item as it stood in the array, without the leading blanks.
        #expect(items[0].bytes == Array(#"{"eventId":"\#(derived)","externalConversationId":"c-1","externalCustomerId":"x@y.z","extra":{"n":1.50}}"#.utf8))
        #expect(items[1].bytes == valid(1))
        try await running.stopGracefully()
        await harness.close()
    }

    @Test("outage: three 503s with Retry-After: 1 dead-letter nothing, lose nothing, and wait each time")
    func outageWithRetryAfter() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        harness.emulator.setStatusSequence(Array(repeating: EmulatorFault.Status(503, retryAfter: "1"), count: 3))
        try await harness.produce((0..<3).map { valid($0) })
        let running = try harness.makePipeline()
        await running.pipeline.progress.wait(until: try harness.endOffsets())
        let requests = harness.emulator.requests()
        #expect(requests.map(\.status) == [503, 503, 503, 200])
        for (earlier, later) in zip(requests, requests.dropFirst()) {
            #expect(later.receivedAt - earlier.receivedAt >= .seconds(1))
        }
        #expect(harness.emulator.acceptedEventIds().sorted() == ["event-0", "event-1", "event-2"])
        #expect(try harness.deadLetterCount() == 0)
        #expect(running.metrics.snapshot.retries == 3)
        try await running.stopGracefully()
        await harness.close()
    }

    @Test("413: the batch splits until it fits; a single record still too large is dead-lettered")
    func tooLargeSplits() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        harness.emulator.setMaxBodyBytes(4_000)
        var values = (0..<8).map { valid($0) }
        let big = CustomerMetadata(
            externalConversationId: "conv-big", externalCustomerId: "customer-big", eventId: "event-big",
            attributes: (0..<10).map { .init(name: "n\($0)", value: String(repeating: "v", count: 1024)) })
        values.insert(big.serialized(), at: 4)
        try await harness.produce(values)
        let running = try harness.makePipeline()
        await running.pipeline.progress.wait(until: try harness.endOffsets())
        #expect(Set(harness.emulator.acceptedEventIds()) == Set((0..<8).map { "event-\($0)" }))
        #expect(harness.emulator.acceptedEventIds().count == 8)
        let letters = try await harness.deadLetters(count: 1)
        #expect(letters.first?.header("dlq.event.id") == "event-big")
        #expect(letters.first?.header("dlq.error.status") == "413")
        #expect(letters.first?.header("dlq.error")?.hasPrefix("HTTP 413: ") == true)
        #expect(harness.emulator.requests().contains { $0.status == 413 })
        try await running.stopGracefully()
        await harness.close()
    }

    @Test("401: nothing is dead-lettered or committed; once the credentials are accepted, everything flows")
    func unauthorizedHoldsEverything() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        harness.emulator.setCredentials(id: PipelineHarness.apiID, secret: "rotated-secret")
        try await harness.produce((0..<3).map { valid($0) })
        let running = try harness.makePipeline()
        try await harness.emulator.waitForRequests(count: 3)
        await running.health.wait { $0.apiRefusesCredentials }
        #expect(!running.health.snapshot.isReady)
        #expect(harness.emulator.requests().allSatisfy { $0.status == 401 })
        #expect(try harness.deadLetterCount() == 0)
        #expect(try harness.committed().values.allSatisfy { $0 == nil })

        harness.emulator.setCredentials(id: PipelineHarness.apiID, secret: PipelineHarness.apiSecret)
        await running.pipeline.progress.wait(until: try harness.endOffsets())
        #expect(harness.emulator.acceptedEventIds().sorted() == ["event-0", "event-1", "event-2"])
        #expect(!running.health.snapshot.apiRefusesCredentials)
        #expect(try harness.deadLetterCount() == 0)
        try await running.stopGracefully()
        await harness.close()
    }
}
