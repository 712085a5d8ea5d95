import Synchronization

/// What the loopback server observed, shared between its event loop and the test.
final class LoopbackRecorder: Sendable {
    private struct State {
        var acceptedConnections = 0
        var receivedPaths: [String] = []
        var waiters: [(path: String, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var acceptedConnections: Int {
        state.withLock { $0.acceptedConnections }
    }

    func connectionAccepted() {
        state.withLock { $0.acceptedConnections += 1 }
    }

    func requestReceived(path: String) {
        let ready = state.withLock { state in
            state.receivedPaths.append(path)
            let ready = state.waiters.filter { $0.path == path }.map(\.continuation)
            state.waiters.removeAll { $0.path == path }
            return ready
        }
        for continuation in ready {
            continuation.resume()
        }
    }

    /// Returns once a request for `path` has reached the server (possibly already).
    /// Lets tests act on "the request is in flight" without sleeping.
    func waitForRequest(path: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let seen = state.withLock { state in
                if state.receivedPaths.contains(path) { return true }
                state.waiters.append((path, continuation))
                return false
            }
            if seen {
                continuation.resume()
            }
        }
    }
}
