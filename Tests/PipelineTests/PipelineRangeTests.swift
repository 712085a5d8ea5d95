import TestSupport
import IngestionAPI
import Kafka
@testable import Pipeline
import Testing

private func valid(_ index: Int, customer: String? = nil) -> [UInt8] {
    CustomerMetadata(
        externalConversationId: "conv-\(index)", externalCustomerId: customer ?? "customer-\(index)", eventId: "event-\(index)"
    ).serialized()
}

private func schemaInvalid(_ index: Int) -> [UInt8] {
    Array(#"{"externalConversationId":"conv-\#(index)","externalCustomerId":"has space","eventId":"event-\#(index)"}"#.utf8)
}

@Suite("Pipeline over a fixed range: replay and redrive", .serialized, .timeLimit(.minutes(2)))
struct PipelineRangeTests {
    @Test("a range is read exactly, ends by itself, and commits nothing")
    func rangeIsExact() async throws {
        let harness = try await PipelineHarness(partitions: 2)
        // 40 per partition; event-i is on partition i % 2 at offset i / 2.
        try await harness.produce((0..<80).map { valid($0) })
        let p0 = TopicPartition(topic: harness.topic, partition: 0)
        let p1 = TopicPartition(topic: harness.topic, partition: 1)
        let group = uniqueName("replay")
        let running = try harness.makeRangePipeline(mode: .range(start: [p0: 5, p1: 0], end: [p0: 20, p1: 10]), group: group)
        try await running.task.value

        let expected = (0..<80).filter { ($0 % 2 == 0 && (5..<20).contains($0 / 2)) || ($0 % 2 == 1 && $0 / 2 < 10) }
        #expect(harness.emulator.acceptedEventIds().sorted() == expected.map { "event-\($0)" }.sorted())
        #expect(running.pipeline.positions == [p0: 20, p1: 10])
        #expect(running.metrics.snapshot.ingested == 25)
        #expect(try harness.committed(group: group, partitions: [p0, p1]) == [p0: nil, p1: nil])
        await harness.close()
    }

    @Test("bad records in a range are dead-lettered as in run; an empty range ends at once")
    func rangeDeadLetters() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        try await harness.produce([valid(0), schemaInvalid(1), valid(2, customer: "refuse-x"), Array("{".utf8), nil, valid(5)])
        let p0 = TopicPartition(topic: harness.topic, partition: 0)
        let running = try harness.makeRangePipeline(mode: .range(start: [p0: 0], end: [p0: 6]), group: uniqueName("replay"))
        try await running.task.value
        let totals = running.metrics.snapshot
        #expect(totals.ingested == 2)
        #expect(totals.deadLetteredValidate == 1)
        #expect(totals.deadLetteredAPI == 1)
        #expect(totals.deadLetteredDecode == 1)
        #expect(totals.skipped == 1)
        #expect(try harness.deadLetterCount() == 3)

        let empty = try harness.makeRangePipeline(mode: .range(start: [p0: 6], end: [p0: 6]), group: uniqueName("replay"))
        try await empty.task.value
        #expect(empty.metrics.snapshot.consumed == 0)
        await harness.close()
    }

    @Test("a dry run validates and counts, and sends, dead-letters and commits nothing")
    func dryRun() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        try await harness.produce([valid(0), schemaInvalid(1), valid(2, customer: "refuse-x"), Array("{".utf8), nil, valid(5)])
        let p0 = TopicPartition(topic: harness.topic, partition: 0)
        let running = try harness.makeRangePipeline(mode: .range(start: [p0: 0], end: [p0: 6]), group: uniqueName("replay"), dryRun: true)
        try await running.task.value
        let totals = running.metrics.snapshot
        // Validation only: the business rule is the API's, so the refused one would be sent.
        #expect(totals.ingested == 3)
        #expect(totals.deadLetteredValidate == 1)
        #expect(totals.deadLetteredDecode == 1)
        #expect(totals.skipped == 1)
        #expect(totals.apiRequests == 0)
        #expect(harness.emulator.requests().isEmpty)
        #expect(try harness.deadLetterCount() == 0)
        await harness.close()
    }

    @Test("--rate keeps batches within one second of the cap")
    func rateCapsBatchSize() {
        let configuration = PipelineConfiguration(batchMaxItems: 1000, maxRecordsPerSecond: 25)
        #expect(configuration.effectiveBatchMaxItems == 25)
        #expect(PipelineConfiguration(batchMaxItems: 10, maxRecordsPerSecond: 25).effectiveBatchMaxItems == 10)
        #expect(PipelineConfiguration(maxRecordsPerSecond: 0).maxRecordsPerSecond == 1)
        var direct = PipelineConfiguration()
        direct.maxRecordsPerSecond = 0
        #expect(direct.effectiveBatchMaxItems == 1)
    }

    // MARK: redrive

    /// Records the emulator refuses by its business rule, a schema-invalid one, and valid ones,
    /// run through the live pipeline so that the dead-letter topic holds what `run` writes.
    private func deadLetterSome(_ harness: PipelineHarness) async throws -> (refused: [String], invalid: [String]) {
        var values: [[UInt8]?] = []
        var refused: [String] = []
        var invalid: [String] = []
        for index in 0..<12 {
            switch index % 4 {
            case 1:
                values.append(valid(index, customer: index % 8 == 1 ? "refuse-alpha-\(index)" : "refuse-beta-\(index)"))
                refused.append("event-\(index)")
            case 3:
                values.append(schemaInvalid(index))
                invalid.append("event-\(index)")
            default:
                values.append(valid(index))
            }
        }
        try await harness.produce(values)
        let live = try harness.makePipeline()
        await live.pipeline.progress.wait(until: try harness.endOffsets())
        try await live.stopGracefully()
        #expect(try harness.deadLetterCount() == Int64(refused.count + invalid.count))
        harness.emulator.reset()
        return (refused, invalid)
    }

    @Test("redrive: refused records reach the API once it accepts them; a second redrive finds nothing new")
    func redriveToAPI() async throws {
        let harness = try await PipelineHarness(partitions: 2)
        let (refused, invalid) = try await deadLetterSome(harness)
        harness.emulator.setBusinessRulePrefix(nil)
        let group = uniqueName("redrive")
        let end = try harness.deadLetterCount()
        let dlq = harness.dlqPartition
        let running = try harness.makeRangePipeline(
            mode: .redrive(start: [dlq: 0], end: [dlq: end], selection: try RedriveSelection(stages: [.api])), group: group)
        try await running.task.value
        #expect(harness.emulator.acceptedEventIds().sorted() == refused.sorted())
        #expect(running.metrics.snapshot.filtered == invalid.count)
        #expect(running.metrics.snapshot.deadLettered == 0)
        // Everything was final, the skipped ones included: the group is at the end.
        #expect(try harness.committed(group: group, partitions: [dlq]) == [dlq: end])
        #expect(try harness.deadLetterCount() == end)

        let again = try harness.makeRangePipeline(
            mode: .redrive(start: [dlq: end], end: [dlq: end], selection: try RedriveSelection(stages: [.api])), group: group)
        try await again.task.value
        #expect(again.metrics.snapshot.consumed == 0)
        #expect(harness.emulator.acceptedEventIds().count == refused.count)
        await harness.close()
    }

    @Test("redrive: a record that fails again goes back with dlq.redrive.count raised and its origin kept")
    func redriveFailsAgain() async throws {
        let harness = try await PipelineHarness(partitions: 1)
        let (refused, _) = try await deadLetterSome(harness)
        let firstLetters = try await harness.deadLetters(count: Int(try harness.deadLetterCount()))
        let end = try harness.deadLetterCount()
        let dlq = harness.dlqPartition
        // The API still refuses them.
        let running = try harness.makeRangePipeline(
            mode: .redrive(start: [dlq: 0], end: [dlq: end], selection: try RedriveSelection(errorPattern: "refuse-alpha")),
            group: uniqueName("redrive"))
        try await running.task.value
        let alpha = firstLetters.filter { $0.header("dlq.error")?.contains("refuse-alpha") == true }
        #expect(!alpha.isEmpty && alpha.count < refused.count)
        #expect(running.metrics.snapshot.deadLetteredAPI == alpha.count)
        #expect(running.metrics.snapshot.filtered == firstLetters.count - alpha.count)

        let all = try await harness.deadLetters(count: firstLetters.count + alpha.count)
        let again = Array(all.dropFirst(firstLetters.count))
        #expect(again.count == alpha.count)
        for (letter, original) in zip(again, alpha) {
            #expect(letter.header("dlq.redrive.count") == "1")
            // Where the record came from, not where the dead letter was.
            #expect(letter.header("dlq.source.topic") == harness.topic)
            #expect(letter.header("dlq.source.offset") == original.header("dlq.source.offset"))
            #expect(letter.header("dlq.event.id") == original.header("dlq.event.id"))
            #expect(letter.header("dlq.error.stage") == "api")
            #expect(letter.value == original.value)
            #expect(letter.key == original.key)
            #expect(letter.header("trace") == original.header("trace"))
            // Our headers once each: the old ones replaced, not piled up.
            #expect(letter.headers.filter { $0.key == "dlq.error" }.count == 1)
            #expect(letter.headers.filter { $0.key == "dlq.source.offset" }.count == 1)
        }

        // A second failure counts up again.
        let secondEnd = try harness.deadLetterCount()
        let second = try harness.makeRangePipeline(
            mode: .redrive(start: [dlq: end], end: [dlq: secondEnd], selection: try RedriveSelection()), group: uniqueName("redrive"))
        try await second.task.value
        let third = try await harness.deadLetters(count: Int(secondEnd) + alpha.count).dropFirst(Int(secondEnd))
        #expect(third.map { $0.header("dlq.redrive.count") } == Array(repeating: "2", count: alpha.count))
        await harness.close()
    }
}

@Suite("Dead letters read back, selection and pacing")
struct RedriveUnitTests {
    private func letter(headers: [KafkaHeader], offset: Int64 = 9) -> KafkaMessage {
        KafkaMessage(topic: "events.dlq", partition: 0, offset: offset, key: Array("k".utf8), value: Array("{}".utf8),
                     headers: headers, timestamp: 1_000)
    }

    @Test("a dead letter gives back the original record: coordinates, timestamp, headers without dlq.*")
    func originalIsRebuilt() {
        let record = DeadLetterRecord(letter(headers: [
            KafkaHeader(key: "trace", string: "t-1"),
            KafkaHeader(key: "dlq.error", string: "FAIL_BUSINESS_RULE: blocked"),
            KafkaHeader(key: "dlq.error.stage", string: "api"),
            KafkaHeader(key: "dlq.source.topic", string: "events"),
            KafkaHeader(key: "dlq.source.partition", string: "3"),
            KafkaHeader(key: "dlq.source.offset", string: "77"),
            KafkaHeader(key: "dlq.source.timestamp", string: "123"),
            KafkaHeader(key: "dlq.redrive.count", string: "2"),
        ]))
        #expect(record.stage == .api)
        #expect(record.error == "FAIL_BUSINESS_RULE: blocked")
        #expect(record.redriveCount == 2)
        #expect(record.original.topic == "events")
        #expect(record.original.partition == 3)
        #expect(record.original.offset == 77)
        #expect(record.original.timestamp == 123)
        #expect(record.original.headers == [KafkaHeader(key: "trace", string: "t-1")])
        #expect(record.original.key == Array("k".utf8))
        #expect(record.original.value == Array("{}".utf8))
    }

    @Test("a record without our headers stands for itself")
    func foreignRecord() {
        let record = DeadLetterRecord(letter(headers: [KafkaHeader(key: "dlq.redrive.count", string: "x")]))
        #expect(record.stage == nil)
        #expect(record.redriveCount == 0)
        #expect(record.original.topic == "events.dlq")
        #expect(record.original.offset == 9)
        #expect(record.original.headers.isEmpty)
    }

    @Test("selection by stage and by a regular expression searched in dlq.error")
    func selection() throws {
        let api = DeadLetterRecord(letter(headers: [
            KafkaHeader(key: "dlq.error", string: "FAIL_BUSINESS_RULE: customer refuse-alpha-1 is blocked"),
            KafkaHeader(key: "dlq.error.stage", string: "api"),
        ]))
        let validate = DeadLetterRecord(letter(headers: [
            KafkaHeader(key: "dlq.error", string: "externalCustomerId: does not match pattern"),
            KafkaHeader(key: "dlq.error.stage", string: "validate"),
        ]))
        let everything = try RedriveSelection()
        #expect(everything.matches(api) && everything.matches(validate))
        let apiOnly = try RedriveSelection(stages: [.api])
        #expect(apiOnly.matches(api) && !apiOnly.matches(validate))
        let alpha = try RedriveSelection(errorPattern: "refuse-(alpha|gamma)-[0-9]+")
        #expect(alpha.matches(api) && !alpha.matches(validate))
        #expect(!(try RedriveSelection(stages: [.decode], errorPattern: "alpha")).matches(api))
        #expect(throws: (any Error).self) { try RedriveSelection(errorPattern: "(unclosed") }
    }

    @Test("a dead letter after a redrive carries dlq.redrive.count")
    func redriveCountHeader() {
        var letter = DeadLetter(message: letter(headers: []), error: "e", stage: .api)
        #expect(letter.producerRecord(topic: "d").headers.last("dlq.redrive.count") == nil)
        letter.redriveCount = 3
        #expect(letter.producerRecord(topic: "d").headers.last("dlq.redrive.count")?.stringValue == "3")
    }

    @Test("the rate limiter spaces slots by count ÷ rate and saves up no credit while idle")
    func rateLimiterSchedule() {
        let limiter = RateLimiter(recordsPerSecond: 100)
        let t0 = ContinuousClock.now
        #expect(limiter.reserve(50, now: t0) == t0)
        #expect(limiter.reserve(100, now: t0) == t0 + .milliseconds(500))
        #expect(limiter.reserve(10, now: t0 + .milliseconds(100)) == t0 + .milliseconds(1500))
        // Long idle: the next one starts at once, and the one after it waits its due.
        let later = t0 + .seconds(10)
        #expect(limiter.reserve(20, now: later) == later)
        #expect(limiter.reserve(1, now: later) == later + .milliseconds(200))
    }
}
