import TestSupport
import Foundation
import Kafka
import Testing

extension ChaosTests {
    /// Garbage in: a 10 MB value, then 100,000 values that are not customer events. Each gets
    /// a dead letter whose error says what is wrong; the one sink process survives all of it,
    /// with its memory bounded.
    @Test("Fuzzed input: a 10 MB value and 100,000 hostile ones, all dead-lettered with the right error; no crash, bounded memory", .timeLimit(.minutes(5)))
    func fuzzedInput() async throws {
        let started = ContinuousClock.now
        var random = SplitMix64.announced("fuzzed input")
        // 24 partitions for the corpus (~35 MB, under the mock's ~5 MB each) and one of its own
        // for the 10 MB value; 32 DLQ partitions for the corpus's dead letters and one for the
        // 10 MB one: the mock drops a partition's older records once it holds over ~5 MB.
        let stack = try await LocalStack(partitions: 25, dlqPartitions: 33)
        let hugePartition: Int32 = 24
        let hugeDLQPartition: Int32 = 32
        let group = "chaos-fuzz-\(UUID())"
        let sink = try await stack.startSink("sink-fuzz", group: group)
        let memory = MemorySampler { sink.child.residentBytes }

        let huge = Array(#"{"externalConversationId":"conv-huge","externalCustomerId":""#.utf8)
            + [UInt8](repeating: UInt8(ascii: "a"), count: 10 * 1_048_576) + Array(#""}"#.utf8)
        let hugeKey = FuzzCorpus.key("huge", dlqPartition: hugeDLQPartition, of: 33, avoid: false)
        let hugeRecord = try await stack.produce(raw: [(partition: hugePartition, key: hugeKey, value: huge)], firstIndex: 1_000_000)
        try await stack.eventually("the 10 MB record committed", timeout: .seconds(60)) {
            try stack.committedReachedEnd(group: group)
        }
        let hugeLetter = try await stack.deadLetters().first { $0.header("dlq.source.partition") == String(hugePartition) }
        #expect(hugeLetter?.value?.count == huge.count && hugeLetter?.value == huge)
        #expect(hugeLetter?.partition == hugeDLQPartition, "the dead letter's partition is the key's CRC-32, as librdkafka's default partitioner does")
        #expect(hugeLetter?.header("dlq.error")?.contains("externalCustomerId: maxLength 256 exceeded") == true,
                "\(hugeLetter?.header("dlq.error") ?? "no dead letter")")
        #expect(sink.child.isRunning, "\(sink.logLines.suffix(5))")

        let corpus = FuzzCorpus.make(count: 100_000, dlqPartitions: 33, reserved: hugeDLQPartition, using: &random)
        let bytes = corpus.reduce(0) { $0 + $1.value.count }
        var produced: [LocalStack.Produced] = []
        for chunk in stride(from: 0, to: corpus.count, by: 10_000) {
            let slice = corpus[chunk..<min(chunk + 10_000, corpus.count)]
            produced += try await stack.produce(
                raw: slice.enumerated().map { (partition: Int32((chunk + $0.offset) % 24), key: $0.element.key, value: $0.element.value) },
                firstIndex: chunk)
        }
        var rssAtQuarter: Int?
        try await stack.eventually("the corpus committed to the end", timeout: .seconds(180)) {
            if rssAtQuarter == nil, try sink.metrics()["metadata_sink_records_consumed_total"] ?? 0 >= 25_000 {
                rssAtQuarter = sink.child.residentBytes
            }
            return try stack.committedReachedEnd(group: group)
        }
        let rssAfterCorpus = sink.child.residentBytes ?? 0
        memory.stop()
        #expect(sink.child.isRunning, "\(sink.logLines.suffix(5))")
        #expect(sink.isReady)

        let accounting = try await stack.account(produced)
        #expect(accounting.lost.isEmpty, "\(accounting)")
        #expect(accounting.deadLettered == corpus.count, "\(accounting)")
        #expect(accounting.ingested == 0)
        // The right error for each kind of garbage.
        var errors: [String: String] = [:]
        for letter in try await stack.deadLetters() {
            errors["\(letter.header("dlq.source.partition") ?? "?")@\(letter.header("dlq.source.offset") ?? "?")"] = letter.header("dlq.error")
        }
        var misfits: [String] = []
        for (record, fuzz) in zip(produced, corpus) {
            let error = errors["\(record.partition)@\(record.offset)"] ?? ""
            if !fuzz.category.fits(error) { misfits.append("\(fuzz.category) \(record.partition)@\(record.offset): \(error.prefix(120))") }
        }
        #expect(misfits.isEmpty, "\(misfits.count) wrong errors, e.g. \(misfits.prefix(5))")

        // Bounded: the sink's buffer and librdkafka's fetch queue are bounded, so the resident
        // size levels off early instead of following the 100,000 records.
        let quarter = rssAtQuarter ?? 0
        #expect(memory.peak < 400 * 1_048_576, "peak RSS \(MemorySampler.megabytes(memory.peak))")
        #expect(rssAfterCorpus - quarter < 64 * 1_048_576,
                "RSS grew from \(MemorySampler.megabytes(quarter)) at 25,000 records to \(MemorySampler.megabytes(rssAfterCorpus)) at 100,000")

        await stack.finishScenario(stopping: sink.child, logsOf: [sink.child])
        var total = accounting
        total.records += 1
        if hugeLetter == nil { total.lost += hugeRecord } else { total.deadLettered += 1 }
        print("fuzzed input: \(total); corpus \(MemorySampler.megabytes(bytes)); RSS at 25,000 \(MemorySampler.megabytes(quarter)), after 100,000 \(MemorySampler.megabytes(rssAfterCorpus)), peak \(MemorySampler.megabytes(memory.peak)); \(ContinuousClock.now - started)")
        ReliabilityRow(scenario: "Fuzzed input (one 10 MB value + 100,000 hostile ones)", accounting: total).print()
    }
}
