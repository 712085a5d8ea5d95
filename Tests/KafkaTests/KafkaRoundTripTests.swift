import TestSupport
import Kafka
import Testing

@Suite("Kafka round trip on the mock cluster")
struct KafkaRoundTripTests {
    @Test("produced records are consumed byte for byte and commits are read back")
    func produceConsumeCommit() async throws {
        let fixture = try MockTopic("roundtrip", partitions: 4)
        let cluster = fixture.cluster
        let topic = fixture.name
        let producer = try fixture.producer()
        let results = await producer.sendAll(records(topic: topic, count: 40))
        #expect(results.allSatisfy { (try? $0.get()) != nil })

        let group = uniqueName("group")
        let consumer = try KafkaConsumer(
            configuration: .init(properties: groupProperties(cluster, group: group)),
            logger: testLogger("consumer"))
        try consumer.subscribe(topics: [topic])
        var iterator = consumer.events.makeAsyncIterator()
        var collector = EventCollector()
        await collector.collect(from: &iterator, until: { $0.messages.count >= 40 })
        #expect(collector.messages.count == 40)
        #expect(Set(collector.assigned.map(\.partition)) == [0, 1, 2, 3])

        let first = try #require(collector.messages.first { $0.partition == 0 && $0.offset == 0 })
        #expect(first.value == Array("{\"n\":0}".utf8))
        #expect(first.key == Array("key-0".utf8))
        #expect(first.headers == [KafkaHeader(key: "h", string: "v0")])
        #expect(first.timestamp != nil)
        // Per-partition offset order.
        for partition in Int32(0)..<4 {
            let offsets = collector.messages.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == Array(0..<10))
        }

        let p0 = TopicPartition(topic: topic, partition: 0)
        try consumer.commit([p0: 7], synchronously: true)
        let committed = try consumer.committed([p0, TopicPartition(topic: topic, partition: 1)])
        #expect(committed[p0] == .some(7))
        #expect(committed[TopicPartition(topic: topic, partition: 1)] == .some(nil))
        let marks = try consumer.watermarks(p0)
        #expect(marks.high == 10)
        #expect(try consumer.partitionCount(topic: topic) == 4)

        await consumer.shutdown()
        await producer.shutdown()
    }

    @Test("an asynchronous commit reports the broker's answer in events: refused, then stored")
    func asynchronousCommitOutcome() async throws {
        let fixture = try MockTopic("async-commit", partitions: 1)
        let producer = try fixture.producer()
        _ = await producer.sendAll(records(topic: fixture.name, count: 10, partition: 0))
        let consumer = try fixture.subscribedConsumer()
        var iterator = consumer.events.makeAsyncIterator()
        var collector = EventCollector()
        await collector.collect(from: &iterator, until: { $0.messages.count >= 10 })
        let p0 = TopicPartition(topic: fixture.name, partition: 0)

        /// The next commit outcome, skipping other events.
        func nextCommitOutcome() async -> KafkaConsumerEvent? {
            while let event = await iterator.next() {
                switch event {
                case .committed, .commitFailed: return event
                default: continue
                }
            }
            return nil
        }

        fixture.cluster.pushRequestErrors(.offsetCommit, [.rebalanceInProgress])
        try consumer.commit([p0: 5], synchronously: false)
        guard case .commitFailed(let refused, let error) = await nextCommitOutcome() else {
            Issue.record("expected the refusal of the first commit")
            return
        }
        #expect(refused == [p0: 5])
        #expect(error.name == "REBALANCE_IN_PROGRESS")
        #expect(try consumer.committed([p0])[p0] == .some(nil))

        try consumer.commit([p0: 7], synchronously: false)
        guard case .committed(let stored) = await nextCommitOutcome() else {
            Issue.record("expected the second commit to be stored")
            return
        }
        #expect(stored == [p0: 7])
        #expect(try consumer.committed([p0])[p0] == .some(7))

        await consumer.shutdown()
        await producer.shutdown()
    }

    @Test("a restarted member of the same group resumes at the committed offset")
    func resumeFromCommit() async throws {
        let fixture = try MockTopic("resume", partitions: 1)
        let cluster = fixture.cluster
        let topic = fixture.name
        let producer = try fixture.producer()
        _ = await producer.sendAll(records(topic: topic, count: 10, partition: 0))
        let group = uniqueName("group")
        let properties = groupProperties(cluster, group: group)
        do {
            let consumer = try KafkaConsumer(configuration: .init(properties: properties), logger: testLogger("c1"))
            try consumer.subscribe(topics: [topic])
            var iterator = consumer.events.makeAsyncIterator()
            var collector = EventCollector()
            await collector.collect(from: &iterator, until: { $0.messages.count >= 10 })
            try consumer.commit([TopicPartition(topic: topic, partition: 0): 6], synchronously: true)
            await consumer.shutdown()
        }
        let consumer = try KafkaConsumer(configuration: .init(properties: properties), logger: testLogger("c2"))
        try consumer.subscribe(topics: [topic])
        var iterator = consumer.events.makeAsyncIterator()
        var collector = EventCollector()
        await collector.collect(from: &iterator, until: { $0.messages.count >= 4 })
        #expect(collector.messages.map(\.offset) == [6, 7, 8, 9])
        await consumer.shutdown()
        await producer.shutdown()
    }

    @Test("assign reads an exact range outside the group, with producer timestamps kept")
    func assignAndTimes() async throws {
        let fixture = try MockTopic("assign", partitions: 1)
        let cluster = fixture.cluster
        let topic = fixture.name
        let producer = try fixture.producer()
        for index in 0..<10 {
            _ = try await producer.send(KafkaProducerRecord(
                topic: topic, partition: 0, value: Array("\(index)".utf8), timestamp: 1_700_000_000_000 + Int64(index) * 1000))
        }
        let consumer = try KafkaConsumer(
            configuration: .init(properties: ["bootstrap.servers": cluster.bootstrapServers, "group.id": uniqueName("replay")]),
            logger: testLogger("assign"))
        let tp = TopicPartition(topic: topic, partition: 0)
        try consumer.assign([tp: 3])
        var iterator = consumer.events.makeAsyncIterator()
        var collector = EventCollector()
        await collector.collect(from: &iterator, until: { $0.messages.count >= 7 })
        #expect(collector.messages.map(\.offset) == Array(3..<10))
        let firstTimestamp: Int64? = collector.messages.first?.timestamp
        #expect(firstTimestamp == Int64(1_700_000_003_000))
        await consumer.shutdown()
        await producer.shutdown()
    }
}
