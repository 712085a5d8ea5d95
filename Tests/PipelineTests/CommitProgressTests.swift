import Kafka
@testable import Pipeline
import Synchronization
import Testing

private let p0 = TopicPartition(topic: "events", partition: 0)
private let p1 = TopicPartition(topic: "events", partition: 1)

/// Waiters are awaited, never polled: if one is not resumed, the time limit fails the test.
@Suite("CommitProgress", .timeLimit(.minutes(1)))
struct CommitProgressTests {
    @Test func startsEmpty() {
        #expect(CommitProgress().committed.isEmpty)
    }

    @Test func recordKeepsTheHighestOffsetPerPartition() {
        let progress = CommitProgress()
        progress.record([p0: 10, p1: 3])
        progress.record([p0: 7]) // an older asynchronous commit completing late
        progress.record([p1: 5])
        #expect(progress.committed == [p0: 10, p1: 5])
    }

    @Test func waitReturnsAtOnceWhenAlreadyReached() async {
        let progress = CommitProgress()
        progress.record([p0: 10])
        await progress.wait(until: [p0: 10])
        await progress.wait(until: [p0: 4])
        #expect(progress.committed[p0] == 10)
    }

    @Test func nonPositiveTargetsAndNoTargetsAreReachedFromTheStart() async {
        // Offset 0 means "nothing to read yet": there is nothing to wait for.
        let progress = CommitProgress()
        await progress.wait(until: [:])
        await progress.wait(until: [p0: 0, p1: -1])
        #expect(progress.committed.isEmpty)
    }

    @Test func aWaiterResumesOnceItsTargetIsReached() async {
        let progress = CommitProgress()
        let waiter = Task {
            await progress.wait(until: [p0: 10])
            return progress.committed[p0]
        }
        progress.record([p0: 4])
        progress.record([p1: 100]) // another partition does not count
        progress.record([p0: 12]) // past the target also counts
        let seen = await waiter.value
        #expect((seen ?? -1) >= 10)
    }

    @Test func aWaiterNeedsEveryPartitionsTarget() async {
        let progress = CommitProgress()
        let waiter = Task {
            await progress.wait(until: [p0: 5, p1: 8])
            return progress.committed
        }
        progress.record([p0: 5])
        progress.record([p1: 7])
        progress.record([p1: 8])
        // When it resumes, both targets hold: a waiter released on partial progress would see less.
        let seen = await waiter.value
        #expect((seen[p0] ?? -1) >= 5)
        #expect((seen[p1] ?? -1) >= 8)
    }

    @Test func manyWaitersResumeEachAtItsOwnTarget() async {
        let progress = CommitProgress()
        await withTaskGroup(of: (target: Int64, seen: Int64).self) { group in
            for target: Int64 in 1...20 {
                group.addTask {
                    await progress.wait(until: [p0: target])
                    return (target, progress.committed[p0] ?? -1)
                }
            }
            for offset: Int64 in 1...20 {
                progress.record([p0: offset])
            }
            var resumed = 0
            for await (target, seen) in group {
                #expect(seen >= target)
                resumed += 1
            }
            #expect(resumed == 20)
        }
    }

    @Test func anEarlierWaiterResumesWhileALaterOneKeepsWaiting() async {
        let progress = CommitProgress()
        let lateResumed = ResumedFlag()
        let early = Task { await progress.wait(until: [p0: 5]) }
        let late = Task {
            await progress.wait(until: [p0: 50])
            lateResumed.set()
            return progress.committed[p0]
        }
        progress.record([p0: 5])
        await early.value
        // Nothing has reached 50 yet, so the late waiter must still be waiting.
        #expect(!lateResumed.value)
        progress.record([p0: 50])
        #expect((await late.value ?? -1) >= 50)
        #expect(lateResumed.value)
    }
}

/// Set once by a waiter after it resumes.
private final class ResumedFlag: Sendable {
    private let state = Mutex(false)
    func set() { state.withLock { $0 = true } }
    var value: Bool { state.withLock { $0 } }
}
