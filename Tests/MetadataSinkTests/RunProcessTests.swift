import Foundation
import IngestionAPI
import Kafka
import Testing

/// `metadata-sink run` as users run it: the built binary against `dev-broker` and `emulator`
/// processes, observed through Kafka, the emulator's admin endpoints, `/readyz`, `/metrics`,
/// its logs and its exit status.
@Suite("run: the built binary end to end", .serialized)
struct RunProcessTests {
    @Test("ingests a produced set, commits to the end, and drains on SIGTERM with exit 0")
    func endToEnd() async throws {
        let stack = try await LocalStack(partitions: 4)
        let group = "e2e-\(UUID())"
        let first = try await stack.produce(0..<2000, invalidRatio: 0.1)
        let sink = try await stack.startSink("sink", group: group)

        try await stack.eventually("committed offsets at the end") { try stack.committedReachedEnd(group: group) }
        let accounting = try await stack.account(first)
        #expect(accounting.lost.isEmpty, "\(accounting)")
        #expect(accounting.wrongErrors.isEmpty, "\(accounting.wrongErrors.prefix(5))")
        #expect(accounting.duplicates == 0, "\(accounting)")
        #expect(sink.isReady)

        // /metrics says what the test produced and what the emulator and the DLQ received.
        let stats = try stack.emulatorAdmin("stats")
        let letters = try await stack.deadLetters()
        let end = try stack.endOffsets()
        try await stack.eventually("the lag gauges at 0 after the last commit") {
            let metrics = try sink.metrics()
            return stack.topicPartitions.allSatisfy {
                metrics["metadata_sink_consumer_lag{topic=\"events\",partition=\"\($0.partition)\"}"] == 0
            }
        }
        let metrics = try sink.metrics()
        #expect(metrics["metadata_sink_records_consumed_total"] == 2000)
        #expect(metrics["metadata_sink_records_ingested_total"].map(Int.init) == stats["acceptedItems"]?.intValue)
        let deadLettered = ["decode", "validate", "api"].compactMap {
            metrics["metadata_sink_records_dead_lettered_total{stage=\"\($0)\"}"]
        }.reduce(0, +)
        #expect(Int(deadLettered) == letters.count)
        #expect(Int(deadLettered) == accounting.deadLettered)
        let requests = metrics.filter { $0.key.hasPrefix("metadata_sink_api_requests_total{") }.values.reduce(0, +)
        #expect(Int(requests) == stats["requests"]?.intValue)
        for partition in stack.topicPartitions {
            let committed = metrics["metadata_sink_committed_offset{topic=\"events\",partition=\"\(partition.partition)\"}"]
            #expect(committed.map(Int64.init) == end[partition])
        }
        #expect(metrics["metadata_sink_in_flight_requests"] == 0)

        // SIGTERM while a second set is on its way: the drain finishes what is in flight,
        // commits, and exits 0 within the grace time (SHUTDOWN_GRACE_SECONDS=15).
        let acceptedBefore = try stack.acceptedEventIds().count
        let second = try await stack.produce(2000..<6000, invalidRatio: 0.1)
        try await stack.eventually("the second set flowing") { try stack.acceptedEventIds().count > acceptedBefore }
        sink.child.signal(SIGTERM)
        let exit = try await sink.child.exit(timeout: .seconds(20))
        #expect(exit == .init(status: 0, bySignal: false), "\(sink.logLines.suffix(10))")
        #expect(sink.logLines.contains { $0.contains("\"msg\":\"stopped\"") })
        let violations = try await stack.committedPastUnfinished(group: group, produced: first + second)
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        let committedAfterStop = try stack.committed(group: group)
        #expect(committedAfterStop.values.contains { ($0 ?? 0) > 0 })

        // A restart in the same group finishes the rest, resending nothing already final.
        let restarted = try await stack.startSink("sink-2", group: group)
        try await stack.eventually("committed offsets at the end again") { try stack.committedReachedEnd(group: group) }
        let total = try await stack.account(first + second)
        #expect(total.lost.isEmpty, "\(total)")
        await restarted.child.stop()

        // Secrets and record contents never reach the logs at info level.
        for line in sink.logLines + restarted.logLines {
            #expect(!line.contains(LocalStack.apiSecret))
            #expect(!line.contains("@example.com"), "record contents in a log line: \(line)")
            #expect(!line.contains("(555)555-"), "record contents in a log line: \(line)")
        }
        await stack.close()
    }

    @Test("/readyz is not ready while the API refuses the credentials, and ready again after")
    func readinessFollowsCredentials() async throws {
        let stack = try await LocalStack(partitions: 2)
        let group = "ready-\(UUID())"
        let sink = try await stack.startSink("sink", group: group)
        try await stack.eventually("ready once the group is joined") { sink.isReady }

        // The API rotates the secret under us: requests get 401, records are held, not dead-lettered.
        try stack.setEmulatorFaults(#"{"credentials": {"id": "\#(LocalStack.apiID)", "secret": "rotated-elsewhere"}}"#)
        let produced = try await stack.produce(0..<200)
        try await stack.eventually("not ready") { !sink.isReady }
        let body = try sink.get("/readyz").body
        #expect(body.contains("API refuses the credentials"), "\(body)")
        #expect(try await stack.deadLetters().isEmpty)
        #expect(try !stack.committedReachedEnd(group: group))
        #expect(try sink.metrics()["metadata_sink_api_requests_total{endpoint=\"many-customer-metadata\",status=\"401\"}"] ?? 0 > 0)

        // The credentials are accepted again: the held records go through, readiness returns.
        try stack.setEmulatorFaults(#"{"credentials": {"id": "\#(LocalStack.apiID)", "secret": "\#(LocalStack.apiSecret)"}}"#)
        try await stack.eventually("ready again") { sink.isReady }
        try await stack.eventually("committed offsets at the end") { try stack.committedReachedEnd(group: group) }
        let accounting = try await stack.account(produced)
        #expect(accounting.lost.isEmpty && accounting.deadLettered == 0, "\(accounting)")
        await sink.child.stop()
        for line in sink.logLines { #expect(!line.contains(LocalStack.apiSecret)) }
        await stack.close()
    }
}
