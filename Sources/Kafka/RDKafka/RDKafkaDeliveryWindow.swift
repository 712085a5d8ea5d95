import Foundation

/// Backpressure between the poll thread and the application: the poll thread takes no more
/// messages from librdkafka while the application holds a window's worth (handed over and not
/// finished). librdkafka's own prefetch queue, bounded by `queued.max.messages.kbytes`, then
/// absorbs a backlog and its fetcher simply waits, instead of the application pausing and
/// resuming partitions: librdkafka 2.0 drops what it prefetched for a paused partition and, once
/// every partition was paused, notices a resume only at its next idle wake-up (up to a second).
///
/// The application reports levels (totals received, records held), never increments, so a
/// miscount cannot leak credit; and the poll thread waits at most `maxWait` at a time, so it
/// still serves rebalances while the application is stuck (an API outage), where the
/// application's own bound (pausing partitions) takes over.
final class RDKafkaDeliveryWindow: @unchecked Sendable {
    private let window: Int
    private let maxWait: TimeInterval
    // All guarded by `condition`.
    private let condition = NSCondition()
    private var delivered = 0
    private var received = 0
    private var held = 0
    private var waiting = false
    private var stopped = false

    init(window: Int, maxWait: Duration) {
        self.window = max(1, window)
        self.maxWait = Double(maxWait.components.seconds) + Double(maxWait.components.attoseconds) / 1e18
    }

    /// Poll thread: `count` more messages handed to the application.
    func delivered(_ count: Int) {
        condition.lock()
        delivered += count
        condition.unlock()
    }

    /// Application: messages taken from the event stream so far, and how many of them it holds.
    func update(received: Int, held: Int) {
        condition.lock()
        self.received = received
        self.held = held
        if waiting && hasRoom { condition.signal() }
        condition.unlock()
    }

    /// Poll thread: returns once there is room, after `maxWait` at most, or when stopping;
    /// true when it had to wait.
    @discardableResult
    func waitForRoom() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !hasRoom && !stopped else { return false }
        waiting = true
        _ = condition.wait(until: Date(timeIntervalSinceNow: maxWait))
        waiting = false
        return true
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Whether the poll thread is waiting for room (for tests).
    var isWaiting: Bool {
        condition.lock()
        defer { condition.unlock() }
        return waiting
    }

    /// Messages handed to the application so far (for tests).
    var deliveredCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return delivered
    }

    /// Messages in the event stream not yet taken, plus those taken and still held.
    private var hasRoom: Bool { (delivered - received) + held < window }
}
