import Foundation
import Testing
import TestSupport

extension ChaosTests {
    /// A node loss, an OOM kill or `kubectl delete --force`, five times over: no drain, no
    /// final commit, whatever was in flight (requests, dead letters, commits) cut off.
    @Test("SIGKILL at random moments, five times, while 50,000 records flow: nothing lost", .timeLimit(.minutes(5)))
    func sigkillLoop() async throws {
        let started = ContinuousClock.now
        var random = SplitMix64.announced("SIGKILL loop")
        // ~330-byte records: 12 partitions keep the 50,000 well inside the mock's ~5 MB each.
        let stack = try await LocalStack(partitions: 12, dlqPartitions: 2)
        let group = "chaos-kill-\(UUID())"

        // A steady flow: 100 rounds of 500 records, one every 350 ms (the pacing of the load).
        // The last round waits for the last kill, so records are still flowing at every kill
        // however slow the machine.
        let produced = ProducedLog()
        let (killsDone, killsDoneSignal) = AsyncStream.makeStream(of: Void.self)
        let held = LockedValue(false)
        let producing = Task {
            for round in 0..<100 {
                if round == 99 {
                    held.value = true
                    for await _ in killsDone {}
                }
                produced.append(try await stack.produce(round * 500..<(round + 1) * 500, invalidRatio: 0.05))
                try await Task.sleep(for: .milliseconds(350))
            }
        }
        // The mock coordinator waits out a killed member's session before rebalancing; a short
        // session keeps each round of the loop to a few seconds.
        let environment = ["KAFKA_PROPERTY_SESSION_TIMEOUT_MS": "3000", "KAFKA_PROPERTY_HEARTBEAT_INTERVAL_MS": "300"]

        defer {
            killsDoneSignal.finish()
            producing.cancel()
        }

        var children: [ChildProcess] = []
        var violations: [String] = []
        var moments: [String] = []
        for kill in 1...5 {
            let sink = try await stack.startSink("sink-\(kill)", group: group, environment: environment)
            children.append(sink.child)
            let acceptedAtStart = try stack.acceptedCount()
            // A random moment: one time in four while the member is still joining the group,
            // otherwise up to 2.5 s after its first delivery, with batches, dead letters and
            // commits in flight.
            if Int.random(in: 0..<4, using: &random) == 0 {
                let delay = Duration.milliseconds(Int.random(in: 200...3000, using: &random))
                try await Task.sleep(for: delay)
                moments.append("\(delay) after start")
            } else {
                // (Or, on a slow machine, once the flow is held back for the last kill and this
                // member may have nothing left to deliver.)
                try await stack.eventually("member \(kill) delivering", timeout: .seconds(60)) {
                    try stack.acceptedCount() > acceptedAtStart || held.value
                }
                let delay = Duration.milliseconds(Int.random(in: 0...2500, using: &random))
                try await Task.sleep(for: delay)
                moments.append("\(delay) into delivery")
            }
            sink.child.signal(SIGKILL)
            let exit = try await sink.child.exit(timeout: .seconds(10))
            #expect(exit == .init(status: SIGKILL, bySignal: true))
            violations += try await stack.committedPastUnfinished(group: group, produced: produced.all)
        }
        killsDoneSignal.finish()

        let survivor = try await stack.startSink("sink-final", group: group, environment: environment)
        children.append(survivor.child)
        try await producing.value
        let all = produced.all
        #expect(all.count == 50_000)
        try await stack.eventually("the last member commits every partition to the end", timeout: .seconds(150)) {
            try stack.committedReachedEnd(group: group)
        }
        violations += try await stack.committedPastUnfinished(group: group, produced: all)
        let accounting = try await stack.account(all)
        LocalStack.expectNothingLost(accounting)
        #expect(violations.isEmpty, "\(violations.prefix(10))")
        #expect(survivor.isReady)

        await stack.finishScenario(stopping: survivor.child, logsOf: children)
        print("SIGKILL loop: \(accounting); killed \(moments.joined(separator: ", ")); \(ContinuousClock.now - started)")
        ReliabilityRow(scenario: "SIGKILL ×5 at random moments while records flow", accounting: accounting).print()
    }
}
