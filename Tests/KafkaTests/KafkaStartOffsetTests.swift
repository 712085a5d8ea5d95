import CRdKafka
@testable import Kafka
import TestSupport
import Testing

@Suite("Where a newly assigned partition starts")
struct KafkaStartOffsetTests {
    @Test("a member starts at the group's committed offset, and by auto.offset.reset where there is none",
          .timeLimit(.minutes(1)), arguments: ["earliest", "latest"])
    func committedOrReset(reset: String) async throws {
        let fixture = try MockTopic("start", partitions: 2)
        let topic = fixture.name
        let producer = try fixture.producer()
        _ = await producer.sendAll(records(topic: topic, count: 5, partition: 0) + records(topic: topic, count: 5, partition: 1))
        let group = uniqueName("group")
        let p0 = TopicPartition(topic: topic, partition: 0)
        let p1 = TopicPartition(topic: topic, partition: 1)
        // The group has committed 3 on partition 0 and nothing on partition 1.
        let earlier = try KafkaConsumer(configuration: .init(properties: groupProperties(fixture.cluster, group: group)), logger: testLogger("earlier"))
        try earlier.assign([p0: 0])
        try earlier.commit([p0: 3], synchronously: true)
        await earlier.shutdown()

        let consumer = try KafkaConsumer(
            configuration: .init(properties: groupProperties(fixture.cluster, group: group, extra: ["auto.offset.reset": reset])),
            logger: testLogger("member"))
        try consumer.subscribe(topics: [topic])
        var events = consumer.events.makeAsyncIterator()
        var collector = EventCollector()
        await collector.collect(from: &events, until: { Set($0.assigned).count == 2 })
        // Once partition 1 has been fetched (its start is resolved), a record produced marks the
        // end of what it delivers. librdkafka reports no event for the first fetch response.
        while consumer.cachedHighWatermark(p1) == nil { try await Task.sleep(for: .milliseconds(10)) }
        _ = await producer.sendAll(records(topic: topic, count: 1, partition: 1))
        await collector.collect(from: &events, until: { $0.messages.contains { $0.partition == 1 && $0.offset == 5 } })
        await collector.collect(from: &events, until: { $0.messages.contains { $0.partition == 0 && $0.offset == 4 } })
        #expect(collector.messages.filter { $0.partition == 0 }.map(\.offset) == [3, 4])
        let fromPartition1 = collector.messages.filter { $0.partition == 1 }.map(\.offset)
        #expect(fromPartition1 == (reset == "earliest" ? Array(0...5) : [5]))
        #expect(try consumer.committed([p0, p1]) == [p0: 3, p1: nil])
        await consumer.shutdown()
        await producer.shutdown()
    }

    @Test("the start assigned: the committed offset, else the policy's logical offset, else librdkafka's own path")
    func startResolvedBeforeAssigning() {
        let beginning = Int64(RD_KAFKA_OFFSET_BEGINNING)
        let end = Int64(RD_KAFKA_OFFSET_END)
        let none = Int64(RD_KAFKA_OFFSET_INVALID)
        for policy in ["smallest", "earliest", "beginning"] { #expect(RDKafkaStartOffsets.resetOffset(policy: policy) == beginning) }
        for policy in ["largest", "latest", "end"] { #expect(RDKafkaStartOffsets.resetOffset(policy: policy) == end) }
        // Unset is librdkafka's default, `largest`; `error` (and anything else) is left to librdkafka.
        #expect(RDKafkaStartOffsets.resetOffset(policy: nil) == end)
        #expect(RDKafkaStartOffsets.resetOffset(policy: "error") == nil)
        #expect(RDKafkaStartOffsets.start(committed: 42, error: RD_KAFKA_RESP_ERR_NO_ERROR, resetOffset: beginning) == 42)
        #expect(RDKafkaStartOffsets.start(committed: none, error: RD_KAFKA_RESP_ERR_NO_ERROR, resetOffset: beginning) == beginning)
        #expect(RDKafkaStartOffsets.start(committed: none, error: RD_KAFKA_RESP_ERR_NO_ERROR, resetOffset: end) == end)
        #expect(RDKafkaStartOffsets.start(committed: 42, error: RD_KAFKA_RESP_ERR__TIMED_OUT, resetOffset: beginning) == none)
        #expect(RDKafkaStartOffsets.start(committed: none, error: RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT, resetOffset: end) == none)
    }
}
