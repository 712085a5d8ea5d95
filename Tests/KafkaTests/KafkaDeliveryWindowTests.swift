import TestSupport
import Foundation
import Testing
@testable import Kafka

@Suite("Delivery window: backpressure from the application to the poll thread")
struct KafkaDeliveryWindowTests {
    /// Runs `body` on a thread of its own (it blocks) and returns once it has finished.
    private func onThread(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                body()
                done.resume()
            }
        }
    }

    @Test("a full window holds the poll thread until the application reports room")
    func waitsForRoom() async throws {
        let window = RDKafkaDeliveryWindow(window: 10, maxWait: .seconds(60))
        window.delivered(10)
        let waiting = Task { await onThread { window.waitForRoom() } }
        // Poll with a deadline for the observable state: the poll thread is waiting.
        let deadline = ContinuousClock.now + .seconds(10)
        while !window.isWaiting, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(window.isWaiting)
        // Taken from the stream but still held: no room yet.
        window.update(received: 10, held: 10)
        #expect(window.isWaiting)
        window.update(received: 10, held: 9)
        await waiting.value
        #expect(!window.isWaiting)
    }

    @Test("room left means no waiting; stopping wakes a waiter; maxWait bounds a wait")
    func roomStopAndMaxWait() async {
        let window = RDKafkaDeliveryWindow(window: 10, maxWait: .seconds(60))
        window.delivered(9)
        await onThread { window.waitForRoom() }  // returns at once: 9 < 10

        window.delivered(1)
        let stopped = Task { await onThread { window.waitForRoom() } }
        window.stop()
        await stopped.value

        let short = RDKafkaDeliveryWindow(window: 1, maxWait: .milliseconds(50))
        short.delivered(5)
        let started = ContinuousClock.now
        await onThread { short.waitForRoom() }
        #expect(ContinuousClock.now - started >= .milliseconds(40))
    }

    @Test("a consumer with a window hands over no more than the window until the application releases records")
    func consumerRespectsTheWindow() async throws {
        let fixture = try MockTopic("window", partitions: 1)
        let producer = try fixture.producer()
        #expect(await producer.sendAll(records(topic: fixture.name, count: 1000, partition: 0)).allSatisfy { (try? $0.get()) != nil })
        await producer.shutdown()

        let consumer = try KafkaConsumer(
            configuration: .init(
                properties: groupProperties(fixture.cluster, group: uniqueName("group")),
                // A window wait longer than the test: the poll thread stays held until released,
                // however slowly a busy machine runs the test.
                maxMessagesPerEvent: 10, pollTimeout: .milliseconds(200), deliveryWindow: 100,
                deliveryWindowMaxWait: .seconds(120)),
            logger: testLogger("consumer"))
        try consumer.assign([TopicPartition(topic: fixture.name, partition: 0): 0])
        var iterator = consumer.events.makeAsyncIterator()
        var offsets: [Int64] = []
        // Take messages and hold every one of them.
        while offsets.count < 100, let event = await iterator.next() {
            if case .messages(let messages) = event { offsets += messages.map(\.offset) }
            consumer.updateDeliveryWindow(received: offsets.count, held: offsets.count)
        }
        let window = try #require(consumer.poller.deliveryWindow)
        let deadline = ContinuousClock.now + .seconds(10)
        while !window.isWaiting, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(window.isWaiting, "the poll thread waits for room")
        #expect(window.deliveredCount <= 100 + 10, "at most one event beyond the window")

        // Released: the rest flows, in order.
        consumer.updateDeliveryWindow(received: offsets.count, held: 0)
        while offsets.count < 1000, let event = await iterator.next() {
            if case .messages(let messages) = event { offsets += messages.map(\.offset) }
            consumer.updateDeliveryWindow(received: offsets.count, held: 0)
        }
        #expect(offsets == Array(0..<1000))
        await consumer.shutdown()
    }
}
