import Synchronization

/// What readiness depends on, updated by the pipeline and read by the health endpoint.
///
/// Ready means: the consumer has joined its group, the API accepts our credentials and its TLS
/// certificate verifies, and the dead-letter topic can be written. Kubernetes stops routing to (and KEDA/HPA stop counting on)
/// a pod that is not ready, which is the right reaction to each of these.
public final class SinkHealth: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var joinedGroup: Bool
        public var apiRefusesCredentials: Bool
        public var deadLetterUnwritable: Bool
        public var shuttingDown: Bool
        /// The TLS handshake with the API fails (certificate not trusted, wrong host name): like
        /// refused credentials, a configuration problem (`API_CA_FILE`, `API_BASE_URL`) that
        /// waiting alone does not fix.
        public var apiTLSFails: Bool = false

        public var isReady: Bool {
            joinedGroup && !apiRefusesCredentials && !apiTLSFails && !deadLetterUnwritable && !shuttingDown
        }

        /// Why the sink is not ready, in words for the `/readyz` body.
        public var reasons: [String] {
            var result: [String] = []
            if !joinedGroup { result.append("consumer has not joined its group") }
            if apiRefusesCredentials { result.append("API refuses the credentials") }
            if apiTLSFails { result.append("API TLS handshake fails (certificate not trusted?)") }
            if deadLetterUnwritable { result.append("dead-letter topic cannot be written") }
            if shuttingDown { result.append("shutting down") }
            return result
        }
    }

    private struct Waiter {
        let predicate: @Sendable (Snapshot) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private let state = Mutex<(snapshot: Snapshot, waiters: [Waiter])>((
        Snapshot(joinedGroup: false, apiRefusesCredentials: false, deadLetterUnwritable: false, shuttingDown: false),
        []
    ))

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    public func setJoinedGroup(_ value: Bool) { update { $0.joinedGroup = value } }
    public func setAPIRefusesCredentials(_ value: Bool) { update { $0.apiRefusesCredentials = value } }
    public func setAPITLSFails(_ value: Bool) { update { $0.apiTLSFails = value } }
    public func setDeadLetterUnwritable(_ value: Bool) { update { $0.deadLetterUnwritable = value } }
    public func setShuttingDown(_ value: Bool) { update { $0.shuttingDown = value } }

    /// Returns once the health satisfies `predicate` (at once if it already does).
    public func wait(until predicate: @escaping @Sendable (Snapshot) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if predicate(state.snapshot) { return true }
                state.waiters.append(Waiter(predicate: predicate, continuation: continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func update(_ change: (inout Snapshot) -> Void) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state.snapshot)
            let snapshot = state.snapshot
            var ready: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.predicate(snapshot) else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        ready.forEach { $0.resume() }
    }
}
