@testable import Pipeline
import Synchronization
import Testing

/// Readiness gates traffic and autoscaling: each reason must show, and only then.
@Suite("SinkHealth", .timeLimit(.minutes(1)))
struct SinkHealthTests {
    @Test func startsNotReadyUntilTheGroupIsJoined() {
        let health = SinkHealth()
        #expect(!health.snapshot.isReady)
        #expect(health.snapshot.reasons == ["consumer has not joined its group"])
        health.setJoinedGroup(true)
        #expect(health.snapshot.isReady)
        #expect(health.snapshot.reasons.isEmpty)
    }

    /// All thirty-two combinations: ready exactly when there is no reason, reasons in fixed order.
    @Test("Readiness and reasons", arguments: 0..<32)
    func readinessTable(bits: Int) {
        let joined = bits & 1 != 0
        let refused = bits & 2 != 0
        let unwritable = bits & 4 != 0
        let shutting = bits & 8 != 0
        let tlsFails = bits & 16 != 0
        let snapshot = SinkHealth.Snapshot(
            joinedGroup: joined, apiRefusesCredentials: refused, deadLetterUnwritable: unwritable, shuttingDown: shutting,
            apiTLSFails: tlsFails)

        var expected: [String] = []
        if !joined { expected.append("consumer has not joined its group") }
        if refused { expected.append("API refuses the credentials") }
        if tlsFails { expected.append("API TLS handshake fails (certificate not trusted?)") }
        if unwritable { expected.append("dead-letter topic cannot be written") }
        if shutting { expected.append("shutting down") }
        #expect(snapshot.reasons == expected)
        #expect(snapshot.isReady == (joined && !refused && !tlsFails && !unwritable && !shutting))
        #expect(snapshot.isReady == expected.isEmpty)
    }

    @Test func settersUpdateTheSnapshotBothWays() {
        let health = SinkHealth()
        health.setJoinedGroup(true)
        health.setAPIRefusesCredentials(true)
        health.setAPITLSFails(true)
        health.setDeadLetterUnwritable(true)
        health.setShuttingDown(true)
        #expect(health.snapshot == SinkHealth.Snapshot(
            joinedGroup: true, apiRefusesCredentials: true, deadLetterUnwritable: true, shuttingDown: true, apiTLSFails: true))
        #expect(health.snapshot.reasons.count == 4)

        health.setAPIRefusesCredentials(false)
        health.setAPITLSFails(false)
        health.setDeadLetterUnwritable(false)
        health.setShuttingDown(false)
        #expect(health.snapshot.isReady)
        health.setJoinedGroup(false)
        #expect(health.snapshot.reasons == ["consumer has not joined its group"])
    }

    @Test func waitReturnsAtOnceWhenThePredicateHolds() async {
        let health = SinkHealth()
        await health.wait { !$0.isReady }
        health.setJoinedGroup(true)
        await health.wait { $0.isReady }
        #expect(health.snapshot.isReady)
    }

    @Test func aWaiterResumesWhenAnUpdateSatisfiesIt() async {
        let health = SinkHealth()
        let waiter = Task {
            await health.wait { $0.isReady }
            return health.snapshot
        }
        health.setJoinedGroup(true)
        #expect(await waiter.value.isReady)
    }

    @Test func onlySatisfiedWaitersResume() async {
        let health = SinkHealth()
        let refusedResumed = ResumedFlag()
        let joined = Task { await health.wait { $0.joinedGroup } }
        let refused = Task {
            await health.wait { $0.apiRefusesCredentials }
            refusedResumed.set()
        }
        health.setJoinedGroup(true)
        await joined.value
        // Nothing has refused the credentials yet: that waiter must still wait.
        #expect(!refusedResumed.value)
        health.setAPIRefusesCredentials(true)
        await refused.value
        #expect(refusedResumed.value)
        #expect(!health.snapshot.isReady)
    }

    @Test func manyWaitersOnTheSameConditionAllResume() async {
        let health = SinkHealth()
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<25 {
                group.addTask {
                    await health.wait { $0.deadLetterUnwritable }
                    return health.snapshot.deadLetterUnwritable
                }
            }
            health.setDeadLetterUnwritable(true)
            var resumed = 0
            for await seen in group {
                #expect(seen)
                resumed += 1
            }
            #expect(resumed == 25)
        }
    }
}

/// Set once by a waiter after it resumes.
private final class ResumedFlag: Sendable {
    private let state = Mutex(false)
    func set() { state.withLock { $0 = true } }
    var value: Bool { state.withLock { $0 } }
}
