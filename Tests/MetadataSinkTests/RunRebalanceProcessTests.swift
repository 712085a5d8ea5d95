import Foundation
import Synchronization
import Testing

/// Scaling and failure of `run` replicas in one consumer group while records flow: what a
/// Kubernetes rollout, a scale-up and a node loss do.
@Suite("run: rebalances between built binaries", .serialized)
struct RunRebalanceProcessTests {
    /// librdkafka's default (eager: every rebalance takes every partition away) and the
    /// cooperative one (a member keeps the partitions it is not asked to give up, so nothing
    /// resets their offset tracking across a rebalance).
    static let strategies = ["range,roundrobin", "cooperative-sticky"]

    @Test("members join, drain and die while records flow; every record reaches the API or the DLQ, and no commit passes an unfinished record",
          arguments: strategies)
    func joinTerminateKill(strategy: String) async throws {
        let stack = try await LocalStack(partitions: 6)
        let group = "rebalance-\(UUID())"
        let environment = ["KAFKA_PROPERTY_PARTITION_ASSIGNMENT_STRATEGY": strategy]
        let sinkA = try await stack.startSink("sink-a", group: group, environment: environment)
        let sinkB = try await stack.startSink("sink-b", group: group, environment: environment)

        // A steady flow: 30 rounds of 200 records, one round every 200 ms (the pacing of the
        // load, not a wait for anything).
        let produced = ProducedLog()
        let producing = Task {
            for round in 0..<30 {
                let records = try await stack.produce(round * 200..<(round + 1) * 200, invalidRatio: 0.05)
                produced.append(records)
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        var violations: [String] = []
        func checkInvariant() async throws {
            violations += try await stack.committedPastUnfinished(group: group, produced: produced.all)
        }

        try await stack.eventually("both members ready and records accepted") {
            try sinkA.isReady && sinkB.isReady && !stack.acceptedEventIds().isEmpty
        }
        try await checkInvariant()

        let sinkC = try await stack.startSink("sink-c", group: group, environment: environment)
        try await stack.eventually("the third member ready") { sinkC.isReady }
        try await checkInvariant()

        sinkA.child.signal(SIGTERM)
        let exitA = try await sinkA.child.exit(timeout: .seconds(30))
        #expect(exitA == .init(status: 0, bySignal: false), "\(sinkA.logLines.suffix(10))")
        try await checkInvariant()

        sinkB.child.signal(SIGKILL)
        let exitB = try await sinkB.child.exit(timeout: .seconds(10))
        #expect(exitB == .init(status: SIGKILL, bySignal: true))
        try await checkInvariant()

        try await producing.value
        let all = produced.all
        #expect(all.count == 6000)
        try await stack.eventually("the survivor commits every partition to the end", timeout: .seconds(90)) {
            try await checkInvariant()
            return try stack.committedReachedEnd(group: group)
        }
        let accounting = try await stack.account(all)
        #expect(accounting.lost.isEmpty, "\(accounting)")
        #expect(accounting.wrongErrors.isEmpty, "\(accounting.wrongErrors.prefix(5))")
        #expect(violations.isEmpty, "\(violations.prefix(10))")
        // At-least-once: work not committed before a rebalance is sent again by the next owner;
        // report it. The mock coordinator refuses commits once a rebalance has begun (Kafka
        // accepts them from the current generation), so revocation-time commits fail here and
        // duplicates are far more than a real cluster would show.
        print("rebalance (\(strategy)): \(accounting)")
        await sinkC.child.stop()
        await stack.close()
    }
}
