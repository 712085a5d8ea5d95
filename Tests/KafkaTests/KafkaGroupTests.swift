import TestSupport
import Kafka
import Testing

@Suite("Consumer groups, pausing and producer faults on the mock cluster")
struct KafkaGroupTests {
    @Test("a member joining the group makes the first one revoke, and waits for its acknowledgement",
          arguments: ["range", "cooperative-sticky"])
    func revocationHandshake(strategy: String) async throws {
        let fixture = try MockTopic("rebalance", partitions: 4)
        let cluster = fixture.cluster
        let topic = fixture.name
        let group = uniqueName("group")
        let properties = groupProperties(cluster, group: group, extra: ["partition.assignment.strategy": strategy])
        let first = try KafkaConsumer(configuration: .init(properties: properties), logger: testLogger("c1"))
        try first.subscribe(topics: [topic])
        var firstEvents = first.events.makeAsyncIterator()
        var collector = EventCollector()
        await collector.collect(from: &firstEvents, until: { Set($0.assigned).count == 4 })

        let second = try KafkaConsumer(configuration: .init(properties: properties), logger: testLogger("c2"))
        try second.subscribe(topics: [topic])
        var acknowledgedAt: ContinuousClock.Instant?
        await collector.collect(from: &firstEvents, until: { !$0.revoked.isEmpty }) { revocation in
            acknowledgedAt = .now
            revocation.acknowledge()
        }
        #expect(acknowledgedAt != nil)
        if strategy == "cooperative-sticky" {
            // Incremental: only what moves to the new member is revoked.
            #expect(collector.revoked.count < 4)
        } else {
            #expect(Set(collector.revoked).count == 4)
        }
        var secondEvents = second.events.makeAsyncIterator()
        var secondCollector = EventCollector()
        await secondCollector.collect(from: &secondEvents, until: { !$0.assigned.isEmpty })
        #expect(!secondCollector.assigned.isEmpty)
        await second.shutdown()
        await first.shutdown()
    }

    @Test("paused partitions deliver nothing until resumed, while the consumer stays in its group")
    func pauseResume() async throws {
        let fixture = try MockTopic("pause", partitions: 2)
        let cluster = fixture.cluster
        let topic = fixture.name
        let producer = try fixture.producer()
        _ = await producer.sendAll(records(topic: topic, count: 5, partition: 0))
        let consumer = try KafkaConsumer(
            configuration: .init(properties: groupProperties(cluster, group: uniqueName("group"))), logger: testLogger("c"))
        try consumer.subscribe(topics: [topic])
        var events = consumer.events.makeAsyncIterator()
        var collector = EventCollector()
        await collector.collect(from: &events, until: { $0.messages.count >= 5 })
        let p0 = TopicPartition(topic: topic, partition: 0)
        let p1 = TopicPartition(topic: topic, partition: 1)
        try consumer.pause([p0])
        _ = await producer.sendAll(records(topic: topic, count: 3, partition: 0) + records(topic: topic, count: 2, partition: 1))
        // Partition 1's records arrive; partition 0's must not while it is paused.
        await collector.collect(from: &events, until: { $0.messages.filter { $0.partition == 1 }.count >= 2 })
        #expect(collector.messages.filter { $0.partition == 0 }.count == 5)
        try consumer.resume([p0])
        await collector.collect(from: &events, until: { $0.messages.filter { $0.partition == 0 }.count >= 8 })
        #expect(collector.messages.filter { $0.partition == 0 }.map(\.offset) == Array(0..<8))
        #expect(try consumer.assignment().sorted() == [p0, p1])
        await consumer.shutdown()
        await producer.shutdown()
    }

    @Test("a partition paused when it was revoked is read again once assigned back, with no resume",
          .timeLimit(.minutes(1)))
    func pauseEndsWithRevocation() async throws {
        let fixture = try MockTopic("repause", partitions: 2)
        let topic = fixture.name
        let producer = try fixture.producer()
        let properties = groupProperties(fixture.cluster, group: uniqueName("group"), extra: ["partition.assignment.strategy": "range"])
        let first = try KafkaConsumer(configuration: .init(properties: properties), logger: testLogger("c1"))
        try first.subscribe(topics: [topic])
        var events = first.events.makeAsyncIterator()
        var collector = EventCollector()
        await collector.collect(from: &events, until: { Set($0.assigned).count == 2 })
        let p0 = TopicPartition(topic: topic, partition: 0)
        try first.pause([p0])
        _ = await producer.sendAll(records(topic: topic, count: 4, partition: 0) + records(topic: topic, count: 1, partition: 1))
        await collector.collect(from: &events, until: { $0.messages.contains { $0.partition == 1 } })
        #expect(!collector.messages.contains { $0.partition == 0 })

        // A second member joins and leaves: the first revokes everything and gets it all back.
        let second = try KafkaConsumer(configuration: .init(properties: properties), logger: testLogger("c2"))
        try second.subscribe(topics: [topic])
        await collector.collect(from: &events, until: { !$0.revoked.isEmpty })
        var secondEvents = second.events.makeAsyncIterator()
        var secondCollector = EventCollector()
        await secondCollector.collect(from: &secondEvents, until: { !$0.assigned.isEmpty })
        await second.shutdown()
        collector.assigned = []
        await collector.collect(from: &events, until: { Set($0.assigned).count == 2 })

        // Partition 0 is fetched without the application resuming it.
        await collector.collect(from: &events, until: { $0.messages.filter { $0.partition == 0 }.count >= 4 })
        #expect(collector.messages.filter { $0.partition == 0 }.map(\.offset) == Array(0..<4))
        await first.shutdown()
        await producer.shutdown()
    }

    @Test("produce errors injected on the cluster delay delivery, which succeeds once they clear")
    func produceErrorsThenRecovery() async throws {
        let fixture = try MockTopic("dlq", partitions: 1)
        let cluster = fixture.cluster
        let topic = fixture.name
        let producer = try fixture.producer(["retry.backoff.ms": "50"])
        // Warm up so the idempotent producer has its id before errors start.
        _ = try await producer.send(KafkaProducerRecord(topic: topic, partition: 0, value: [1]))
        cluster.pushRequestErrors(.produce, Array(repeating: .notEnoughReplicas, count: 5))
        let report = try await producer.send(KafkaProducerRecord(topic: topic, partition: 0, value: [2]))
        #expect(report.offset == 1)
        #expect(producer.fatalError == nil)
        await producer.shutdown()
    }

    @Test("a delivery that times out is reported as a failure, not lost silently")
    func deliveryTimeout() async throws {
        let fixture = try MockTopic("timeout", partitions: 1)
        let cluster = fixture.cluster
        let topic = fixture.name
        let producer = try fixture.producer(["message.timeout.ms": "1500", "retry.backoff.ms": "100"])
        _ = try await producer.send(KafkaProducerRecord(topic: topic, partition: 0, value: [1]))
        cluster.pushRequestErrors(.produce, Array(repeating: .notEnoughReplicas, count: 200))
        await #expect(throws: KafkaError.self) {
            _ = try await producer.send(KafkaProducerRecord(topic: topic, partition: 0, value: [2]))
        }
        cluster.clearRequestErrors(.produce)
        await producer.shutdown()
    }

    @Test("an unknown property is refused with librdkafka's own message, naming the key")
    func badProperty() throws {
        let error = #expect(throws: KafkaError.self) {
            try KafkaConfigurationCheck.validate(["no.such.property": "1"])
        }
        #expect(error?.key == "no.such.property")
        #expect(error?.message.contains("No such configuration property") == true)
    }
}
