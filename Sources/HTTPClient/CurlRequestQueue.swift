import Synchronization

/// The hand-over point between async callers and the transfer thread: submissions,
/// cancellations and shutdown are queued under one lock, then the thread is woken.
///
/// Ownership rule for continuations: a submission in `pending` is owned by the queue; once
/// `drain()` returned it, it is owned by the transfer loop. Exactly one of them resumes it.
final class CurlRequestQueue: Sendable {
    struct Batch: Sendable {
        var submissions: [CurlSubmission]
        var cancellations: [UInt64]
        var isShuttingDown: Bool
    }

    private struct State {
        var pending: [CurlSubmission] = []
        var cancellations: [UInt64] = []
        var isShuttingDown = false
        var isFinished = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let wakeup: CurlMultiWakeup
    private let lastID = Atomic<UInt64>(0)

    init(wakeup: CurlMultiWakeup) {
        self.wakeup = wakeup
    }

    func makeID() -> UInt64 {
        lastID.wrappingAdd(1, ordering: .relaxed).newValue
    }

    func submit(_ submission: CurlSubmission) {
        let rejection: (any Error)? = state.withLock { state in
            if state.isShuttingDown { return HTTPClientError.shutdown }
            // Checked under the lock: a racing cancellation handler either runs after this
            // and finds the submission in `pending`, or ran before and set the flag seen here.
            if Task.isCancelled { return CancellationError() }
            state.pending.append(submission)
            wakeup.wakeup()
            return nil
        }
        if let rejection {
            submission.continuation.resume(throwing: rejection)
        }
    }

    func cancel(id: UInt64) {
        let unstarted: CurlSubmission? = state.withLock { state in
            if let index = state.pending.firstIndex(where: { $0.id == id }) {
                return state.pending.remove(at: index)
            }
            // Already running (or finished, or not yet submitted): the loop decides.
            // Unknown ids are ignored there, so a late cancellation is harmless.
            if !state.isShuttingDown {
                state.cancellations.append(id)
                wakeup.wakeup()
            }
            return nil
        }
        unstarted?.continuation.resume(throwing: CancellationError())
    }

    /// Called by the transfer loop on every iteration.
    func drain() -> Batch {
        state.withLock { state in
            let batch = Batch(
                submissions: state.pending,
                cancellations: state.cancellations,
                isShuttingDown: state.isShuttingDown
            )
            if !batch.submissions.isEmpty { state.pending = [] }
            if !batch.cancellations.isEmpty { state.cancellations = [] }
            return batch
        }
    }

    /// Idempotent. After this no submission is accepted and nothing wakes the multi handle.
    func beginShutdown() {
        state.withLock { state in
            guard !state.isShuttingDown else { return }
            state.isShuttingDown = true
            wakeup.wakeup()
        }
    }

    /// Returns once the transfer loop has failed all requests and released all curl handles.
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyFinished = state.withLock { state in
                if state.isFinished { return true }
                state.finishWaiters.append(continuation)
                return false
            }
            if alreadyFinished {
                continuation.resume()
            }
        }
    }

    /// The transfer loop's last act.
    func markFinished() {
        let waiters = state.withLock { state in
            state.isFinished = true
            let waiters = state.finishWaiters
            state.finishWaiters = []
            return waiters
        }
        for waiter in waiters {
            waiter.resume()
        }
    }
}
