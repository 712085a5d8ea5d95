import Synchronization

/// What readiness depends on, updated by the pipeline and read by the health endpoint.
///
/// Ready means: the consumer has joined its group, the API accepts our credentials, and the
/// dead-letter topic can be written. Kubernetes stops routing to (and KEDA/HPA stop counting on)
/// a pod that is not ready, which is the right reaction to each of these.
public final class SinkHealth: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var joinedGroup: Bool
        public var apiRefusesCredentials: Bool
        public var deadLetterUnwritable: Bool
        public var shuttingDown: Bool

        public var isReady: Bool {
            joinedGroup && !apiRefusesCredentials && !deadLetterUnwritable && !shuttingDown
        }

        /// Why the sink is not ready, in words for the `/readyz` body.
        public var reasons: [String] {
            var result: [String] = []
            if !joinedGroup { result.append("consumer has not joined its group") }
            if apiRefusesCredentials { result.append("API refuses the credentials") }
            if deadLetterUnwritable { result.append("dead-letter topic cannot be written") }
            if shuttingDown { result.append("shutting down") }
            return result
        }
    }

    private let state = Mutex(Snapshot(joinedGroup: false, apiRefusesCredentials: false,
                                       deadLetterUnwritable: false, shuttingDown: false))

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func setJoinedGroup(_ value: Bool) { state.withLock { $0.joinedGroup = value } }
    public func setAPIRefusesCredentials(_ value: Bool) { state.withLock { $0.apiRefusesCredentials = value } }
    public func setDeadLetterUnwritable(_ value: Bool) { state.withLock { $0.deadLetterUnwritable = value } }
    public func setShuttingDown(_ value: Bool) { state.withLock { $0.shuttingDown = value } }
}
