/// Everything mutable in the emulator, kept in one value behind one `Mutex` so that settings,
/// scripted faults, logs and counters always change together. Time is passed in, never read
/// here, so the fault logic can be tested with made-up instants.
struct EmulatorState: Sendable {
    /// Settings that can change at runtime; a request works with the snapshot taken when it was
    /// admitted.
    struct Settings: Sendable, Equatable {
        var apiID: String
        var apiSecret: String
        var businessRulePrefix: String?
        var maxBodyBytes: Int
        var fastMode: Bool
        var latency: Duration
        var recordItemBytes: Bool
    }

    struct Outage: Sendable, Equatable {
        var status: Int
        var retryAfter: String?
        var until: ContinuousClock.Instant
    }

    /// What a request is to be answered with, decided atomically when it arrives.
    struct Admission: Sendable {
        let index: Int
        let settings: Settings
        let fault: EmulatorFault.Status?
    }

    /// Something `wait(for:)` is waiting on.
    enum Condition: Sendable {
        case acceptedItems(Int)
        case requests(Int)

        func isMet(by stats: EmulatorStats) -> Bool {
            switch self {
            case .acceptedItems(let count): stats.acceptedItems >= count
            case .requests(let count): stats.requests >= count
            }
        }
    }

    struct Waiter: Sendable {
        let id: UInt64
        let condition: Condition
        let continuation: CheckedContinuation<Void, any Error>
    }

    let initialSettings: Settings
    var settings: Settings
    var statusSequence: [EmulatorFault.Status] = []
    var outage: Outage?
    var requests: [EmulatorRequestRecord] = []
    var accepted = EmulatorAcceptedLog()
    var stats = EmulatorStats()
    var nextRequestIndex = 0
    var waiters: [Waiter] = []
    var nextWaiterID: UInt64 = 0
    var isShutDown = false

    init(settings: Settings) {
        self.initialSettings = settings
        self.settings = settings
    }

    /// Numbers the request and decides whether a scripted fault answers it. The status sequence
    /// comes first (each entry is used once), then an outage still in force at `now`.
    mutating func admit(now: ContinuousClock.Instant) -> Admission {
        let index = nextRequestIndex
        nextRequestIndex += 1
        var fault: EmulatorFault.Status?
        if !statusSequence.isEmpty {
            fault = statusSequence.removeFirst()
        } else if let outage {
            if now < outage.until {
                fault = EmulatorFault.Status(outage.status, retryAfter: outage.retryAfter)
            } else {
                self.outage = nil
            }
        }
        return Admission(index: index, settings: settings, fault: fault)
    }

    /// Logs a finished request and returns the waiters it satisfied, to be resumed outside the
    /// lock.
    mutating func record(
        _ request: EmulatorRequestRecord,
        accepted acceptedItems: EmulatorAcceptedLog
    ) -> [CheckedContinuation<Void, any Error>] {
        // Requests finish out of order when several connections are active; keep the log sorted
        // by arrival index.
        if let last = requests.last, last.index > request.index {
            let position = requests.lastIndex { $0.index < request.index }.map { $0 + 1 } ?? 0
            requests.insert(request, at: position)
        } else {
            requests.append(request)
        }
        accepted.append(acceptedItems)
        stats.requests += 1
        stats.acceptedItems += request.acceptedCount
        stats.refusedItems += request.refusedCount
        stats.responsesByStatus[request.status, default: 0] += 1
        return takeSatisfiedWaiters()
    }

    mutating func setOutage(status: Int, retryAfter: String?, until: ContinuousClock.Instant) {
        outage = Outage(status: status, retryAfter: retryAfter, until: until)
    }

    /// Back to the configuration the emulator was created with: logs, counters, faults and
    /// runtime settings all cleared. Waiters keep waiting (for counts reached after the reset).
    mutating func reset() {
        settings = initialSettings
        statusSequence = []
        outage = nil
        requests = []
        accepted = EmulatorAcceptedLog()
        stats = EmulatorStats()
        nextRequestIndex = 0
    }

    // MARK: Waiters

    mutating func makeWaiterID() -> UInt64 {
        nextWaiterID += 1
        return nextWaiterID
    }

    mutating func takeSatisfiedWaiters() -> [CheckedContinuation<Void, any Error>] {
        guard !waiters.isEmpty else { return [] }
        var satisfied: [CheckedContinuation<Void, any Error>] = []
        waiters.removeAll { waiter in
            guard waiter.condition.isMet(by: stats) else { return false }
            satisfied.append(waiter.continuation)
            return true
        }
        return satisfied
    }

    mutating func removeWaiter(id: UInt64) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index)
    }

    mutating func takeAllWaiters() -> [Waiter] {
        defer { waiters = [] }
        return waiters
    }
}
