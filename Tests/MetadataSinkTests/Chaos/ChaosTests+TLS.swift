import Foundation
import Testing

extension ChaosTests {
    /// TLS verification is on by default: an API endpoint whose certificate chains to an unknown
    /// CA is refused (the records wait, nothing is dead-lettered or committed, readiness says
    /// why), and a restart with `API_CA_FILE` naming that CA delivers everything.
    @Test("Secrets and TLS: a self-signed CA is refused until API_CA_FILE names it", .timeLimit(.minutes(5)))
    func tlsVerification() async throws {
        let started = ContinuousClock.now
        let stack = try await LocalStack(partitions: 2)
        let tls = try await TLSFrontEnd.start(upstreamPort: stack.emulatorPort)
        let group = "chaos-tls-\(UUID())"
        let produced = try await stack.produce(0..<1000)
        // A short grace: the drain cannot finish while every request fails.
        let environment = ["API_BASE_URL": tls.url, "SHUTDOWN_GRACE_SECONDS": "2"]

        let refusing = try await stack.startSink("sink-tls-refused", group: group, environment: environment)
        try await stack.eventually("not ready, naming TLS") {
            (try? refusing.get("/readyz").body.contains("TLS handshake fails")) ?? false
        }
        try await stack.eventually("the handshake retried") {
            try refusing.metrics()["metadata_sink_retries_total{reason=\"tls\"}"] ?? 0 >= 2
        }
        #expect(!tls.refusedHandshakes.isEmpty, "the proxy saw no refused handshake")
        #expect(try stack.emulatorAdmin("stats")["requests"]?.intValue == 0, "a request got through the untrusted endpoint")
        #expect(try await stack.deadLetters().isEmpty)
        #expect(try stack.committed(group: group).values.allSatisfy { $0 == nil })
        refusing.child.signal(SIGTERM)
        let exit = try await refusing.child.exit(timeout: .seconds(20))
        #expect(exit == .init(status: 0, bySignal: false), "\(refusing.logLines.suffix(5))")
        #expect(try stack.committed(group: group).values.allSatisfy { $0 == nil }, "committed past records that never reached the API")

        let trusting = try await stack.startSink(
            "sink-tls-trusted", group: group, environment: environment.merging(["API_CA_FILE": tls.caFile]) { _, new in new })
        try await stack.eventually("every partition committed to the end", timeout: .seconds(60)) {
            try stack.committedReachedEnd(group: group)
        }
        try await stack.eventually("ready") { trusting.isReady }
        let accounting = try await stack.account(produced)
        #expect(accounting.lost.isEmpty, "\(accounting)")
        #expect(accounting.deadLettered == 0, "\(accounting)")

        await trusting.child.stop()
        let leaks = LogHygiene.leaks(in: [refusing.child, trusting.child, tls.proxy] + stack.children)
        #expect(leaks.isEmpty, "\(leaks.prefix(5))")
        await tls.close()
        await stack.close()
        print("TLS: \(accounting); \(tls.refusedHandshakes.count) handshakes refused before API_CA_FILE; \(ContinuousClock.now - started)")
        ReliabilityRow(scenario: "TLS: untrusted CA refused, then trusted via API_CA_FILE", accounting: accounting).print()
    }
}
