/// Exponential backoff with full jitter: each delay is uniform in [0, min(cap, base·2^attempt)].
/// Full jitter spreads the retries of many sinks hit by the same outage, instead of having
/// them all knock again at the same instant.
struct Backoff: Sendable {
    let base: Duration
    let cap: Duration
    private(set) var attempt = 0

    init(base: Duration, cap: Duration) {
        self.base = base
        self.cap = cap
    }

    /// The ceiling of the next delay (before jitter).
    var currentCeiling: Duration {
        let factor = 1 << min(attempt, 30)
        let grown = base * factor
        return grown > cap || grown < .zero ? cap : grown
    }

    mutating func nextDelay<G: RandomNumberGenerator>(using generator: inout G) -> Duration {
        let ceiling = currentCeiling
        attempt += 1
        let nanos = ceiling.nanoseconds
        guard nanos > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanos, using: &generator))
    }

    mutating func nextDelay() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return nextDelay(using: &generator)
    }

    mutating func reset() { attempt = 0 }
}
