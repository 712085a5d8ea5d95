import Synchronization

/// Paces requests to at most `recordsPerSecond` records per second on average.
///
/// Each request reserves the time its records cost (count ÷ rate) on a shared schedule and
/// waits for the start of its slot, so concurrent requests queue up behind one another instead
/// of bursting. An idle limiter does not save up credit: a request after a pause starts at once
/// but cannot bring the pace above the cap.
final class RateLimiter: Sendable {
    let recordsPerSecond: Int
    private let nextFree = Mutex<ContinuousClock.Instant?>(nil)

    init(recordsPerSecond: Int) {
        self.recordsPerSecond = max(1, recordsPerSecond)
    }

    /// Reserves the slot for `count` records and returns when it starts.
    func reserve(_ count: Int, now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let cost = Duration.seconds(Double(max(0, count)) / Double(recordsPerSecond))
        return nextFree.withLock { next in
            let start = max(now, next ?? now)
            next = start + cost
            return start
        }
    }

    /// Waits for the slot of `count` records. Throws `CancellationError` when cancelled.
    func acquire(_ count: Int) async throws {
        let start = reserve(count, now: .now)
        if start > .now {
            try await Task.sleep(until: start, clock: .continuous)
        }
    }
}
