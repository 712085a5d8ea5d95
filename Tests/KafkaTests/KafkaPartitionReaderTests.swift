import Kafka
import Testing

@Suite("Single reads and time lookups on the mock cluster")
struct KafkaPartitionReaderTests {
    /// Milliseconds: 2025-06-01T00:00:00Z.
    static let t0: Int64 = 1_748_736_000_000

    /// `count` records on partition 0, the i-th stamped `t0 + i * step`.
    private func produceStamped(_ fixture: MockTopic, count: Int, step: Int64) async throws {
        let producer = try fixture.producer()
        let batch = (0..<count).map { index in
            KafkaProducerRecord(
                topic: fixture.name, partition: 0, value: Array("{\"n\":\(index)}".utf8), timestamp: Self.t0 + Int64(index) * step)
        }
        for result in await producer.sendAll(batch) { _ = try result.get() }
        await producer.shutdown()
    }

    private func reader(_ fixture: MockTopic) throws -> KafkaPartitionReader {
        try KafkaPartitionReader(properties: ["bootstrap.servers": fixture.cluster.bootstrapServers], logger: testLogger("reader"))
    }

    @Test("reads the record at an offset, again and in any order; nothing at the end")
    func readsSingleRecords() async throws {
        let fixture = try MockTopic("read", partitions: 1)
        try await produceStamped(fixture, count: 50, step: 1000)
        let reader = try reader(fixture)
        let partition = TopicPartition(topic: fixture.name, partition: 0)
        for offset: Int64 in [17, 3, 49, 17, 0] {
            let record = try #require(try reader.firstRecord(atOrAfter: offset, in: partition))
            #expect(record.offset == offset)
            #expect(record.value == Array("{\"n\":\(offset)}".utf8))
            #expect(record.timestamp == Self.t0 + offset * 1000)
        }
        #expect(try reader.firstRecord(atOrAfter: 50, in: partition) == nil)
    }

    @Test("a time resolves to the first record at or after it; the mock makes it a binary search")
    func timeLookup() async throws {
        let fixture = try MockTopic("time", partitions: 1)
        try await produceStamped(fixture, count: 300, step: 1000)
        let reader = try reader(fixture)
        let partition = TopicPartition(topic: fixture.name, partition: 0)
        // Between records 120 and 121; exactly record 200; before all; after all.
        let cases: [(time: Int64, offset: Int64)] = [
            (Self.t0 + 120_500, 121), (Self.t0 + 200_000, 200), (Self.t0 - 5_000, 0), (Self.t0 + 299_001, 300),
        ]
        for (time, expected) in cases {
            let found = try reader.offset(forTime: time, in: partition)
            #expect(found.offset == expected, "time \(time)")
            // librdkafka 2.0.2's mock answers -1 to ListOffsets by timestamp: the search is what works.
            #expect(found.method == .search)
            #expect(found.reads <= 10, "about log2(300) reads, got \(found.reads)")
        }
        // The broker's own answer, as the fallback exists for.
        #expect(try reader.offsetsForTimes([partition: Self.t0 + 120_500])[partition] == -1)
    }

    @Test("an empty partition resolves any time to its end without reading")
    func emptyPartition() async throws {
        let fixture = try MockTopic("empty", partitions: 1)
        let found = try reader(fixture).offset(forTime: Self.t0, in: TopicPartition(topic: fixture.name, partition: 0))
        #expect(found.offset == 0)
        #expect(found.reads == 0)
    }
}
