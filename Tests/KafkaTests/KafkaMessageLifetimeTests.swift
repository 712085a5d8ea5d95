@testable import Kafka
import TestSupport
import Testing

/// A consumed message keeps librdkafka's own message (its bytes are read in place), and with it
/// the consumer's handle: these check both ends of that.
@Suite("Consumed messages own librdkafka's message")
struct KafkaMessageLifetimeTests {
    @Test("a message reads its key, value and headers after its consumer is shut down and dropped", .timeLimit(.minutes(1)))
    func messageOutlivesConsumer() async throws {
        let fixture = try MockTopic("outlive", partitions: 4)
        let producer = try fixture.producer()
        let sent = records(topic: fixture.name, count: 8)
        _ = await producer.sendAll(sent)
        var messages: [KafkaMessage] = []
        do {
            let consumer = try fixture.subscribedConsumer()
            var iterator = consumer.events.makeAsyncIterator()
            var collector = EventCollector()
            await collector.collect(from: &iterator, until: { $0.messages.count >= 8 })
            messages = collector.messages
            await consumer.shutdown()
        }
        #expect(messages.count == 8)
        for message in messages {
            // `records` puts record i on partition i % 4, so offset o of partition p is record p + 4 * o.
            let index = Int(message.partition) + 4 * Int(message.offset)
            let expected = try #require(sent.indices.contains(index) ? sent[index] : nil)
            #expect(message.value == expected.value)
            #expect(message.valueCount == expected.value?.count)
            #expect(message.withUnsafeValue { Array($0) } == expected.value)
            #expect(message.key == expected.key)
            #expect(message.headers == expected.headers)
        }
        // The headers are parsed on first read; readers on several threads at once see the same.
        let message = try #require(messages.first)
        let seen = await withTaskGroup(of: [KafkaHeader].self) { group in
            for _ in 0..<8 { group.addTask { message.headers } }
            return await group.reduce(into: [[KafkaHeader]]()) { $0.append($1) }
        }
        #expect(Set(seen.map { $0.map(\.key) }) == [["h"]])
        #expect(seen.allSatisfy { $0 == message.headers })
        // A detached copy reads the same, and a copy detaches to itself.
        for message in messages {
            let detached = message.detached()
            #expect(detached !== message)
            #expect(detached.detached() === detached)
            #expect(detached.topic == message.topic && detached.partition == message.partition && detached.offset == message.offset)
            #expect(detached.timestamp == message.timestamp)
            #expect(detached.key == message.key && detached.value == message.value && detached.headers == message.headers)
        }
        await producer.shutdown()
    }

    @Test("a consumer dropped with messages it never delivered is destroyed", .timeLimit(.minutes(1)))
    func undeliveredMessagesDoNotKeepTheHandle() async throws {
        let fixture = try MockTopic("undelivered", partitions: 1)
        let producer = try fixture.producer()
        _ = await producer.sendAll(records(topic: fixture.name, count: 5, partition: 0))
        weak var client: RDKafkaClient?
        do {
            let consumer = try KafkaConsumer(
                configuration: .init(properties: groupProperties(fixture.cluster, group: uniqueName("group"))),
                logger: testLogger("consumer"))
            client = consumer.client
            let partition = TopicPartition(topic: fixture.name, partition: 0)
            try consumer.assign([partition: 0])
            // The partition has been fetched once its watermark is cached; the poll thread then
            // takes the messages into `events`, which nobody reads.
            while consumer.cachedHighWatermark(partition) == nil { try await Task.sleep(for: .milliseconds(10)) }
            await consumer.shutdown()
            #expect(client != nil)
        }
        // The poll thread lets go of the consumer's parts just after it reports that it finished;
        // there is no event for the moment the last reference goes.
        let deadline = ContinuousClock.now + .seconds(10)
        while client != nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(client == nil)
        await producer.shutdown()
    }
}
