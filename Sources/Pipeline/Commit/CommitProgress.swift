import Kafka
import Synchronization

/// Committed offsets as the pipeline advances them, with a way to await a target.
/// Lets the demo, replay and tests wait for an event instead of polling the broker on a timer.
public final class CommitProgress: Sendable {
    private struct Waiter {
        let targets: [TopicPartition: Int64]
        let continuation: CheckedContinuation<Void, Never>
    }

    private let state = Mutex<(committed: [TopicPartition: Int64], waiters: [Waiter])>(([:], []))

    public init() {}

    public var committed: [TopicPartition: Int64] { state.withLock { $0.committed } }

    func record(_ offsets: [TopicPartition: Int64]) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            for (partition, offset) in offsets where offset > state.committed[partition] ?? -1 {
                state.committed[partition] = offset
            }
            let committed = state.committed
            let (done, waiting) = state.waiters.partitioned { Self.reached($0.targets, committed) }
            state.waiters = waiting
            return done.map(\.continuation)
        }
        ready.forEach { $0.resume() }
    }

    /// Returns once every partition's committed offset is at least its target.
    public func wait(until targets: [TopicPartition: Int64]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if Self.reached(targets, state.committed) { return true }
                state.waiters.append(Waiter(targets: targets, continuation: continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    private static func reached(_ targets: [TopicPartition: Int64], _ committed: [TopicPartition: Int64]) -> Bool {
        targets.allSatisfy { target in target.value <= 0 || (committed[target.key] ?? -1) >= target.value }
    }
}

extension Array {
    fileprivate func partitioned(_ isFirst: (Element) -> Bool) -> ([Element], [Element]) {
        var first: [Element] = []
        var second: [Element] = []
        for element in self {
            if isFirst(element) { first.append(element) } else { second.append(element) }
        }
        return (first, second)
    }
}
