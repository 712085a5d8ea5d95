import Foundation
import Kafka
import Testing

extension ChaosTests {
    /// A steady produce rate with the faults of scenarios 1 to 5 in turn: SIGKILL and restart,
    /// API outage, 429 storm, all brokers down, dead-letter topic unwritable. Prints throughput
    /// and RSS as it goes, then lost and duplicate counts.
    ///
    /// `make soak` runs it for 10 minutes (`SOAK_SECONDS`, `SOAK_RATE`); the test command runs
    /// the same code for 30 s, with each fault once, so the soak cannot rot.
    @Test("Soak: a steady produce rate with periodic faults 1 to 5; nothing lost", .timeLimit(.minutes(120)))
    func soak() async throws {
        let environment = ProcessInfo.processInfo.environment
        let duration = Duration.seconds(environment["SOAK_SECONDS"].flatMap(Int.init) ?? 30)
        let rate = environment["SOAK_RATE"].flatMap(Int.init) ?? 500
        let seconds = Int(duration.components.seconds)
        // ~330-byte records, at most ~2 MB per partition of the mock's ~5 MB.
        let partitions = Int32(min(128, max(12, rate * seconds * 330 / 2_000_000)))
        let faultEvery = min(Duration.seconds(30), duration / 6)
        let faultLength = min(Duration.seconds(10), faultEvery / 2)
        soakReport("soak: \(seconds) s at \(rate) records/s over \(partitions) partitions; a fault every \(faultEvery), each lasting \(faultLength)")

        let stack = try await LocalStack(partitions: partitions, dlqPartitions: 8, brokerInProcess: true)
        let cluster = try #require(stack.cluster)
        try stack.setEmulatorFaults(#"{"recordItemBytes": false}"#)
        let group = "soak-\(UUID())"
        let sinkEnvironment = [
            // Quick rejoins after a kill; dead-letter failures noticed in seconds.
            "KAFKA_PROPERTY_SESSION_TIMEOUT_MS": "3000", "KAFKA_PROPERTY_HEARTBEAT_INTERVAL_MS": "300",
            "KAFKA_PROPERTY_MESSAGE_TIMEOUT_MS": "5000",
        ]
        let current = LockedValue<SinkProcess?>(nil)
        var sinks: [ChildProcess] = []
        func startSink() async throws {
            let sink = try await stack.startSink("soak-sink-\(sinks.count + 1)", group: group, environment: sinkEnvironment)
            sinks.append(sink.child)
            current.value = sink
        }
        try await startSink()
        let memory = MemorySampler(every: .seconds(1)) { current.value?.child.residentBytes }

        // The steady flow: rate/10 records every 100 ms, until told to stop.
        let produced = ProducedLog()
        let stopProducing = LockedValue(false)
        let producing = Task {
            var next = 0
            let perTick = max(1, rate / 10)
            var tick = ContinuousClock.now
            while !stopProducing.value {
                produced.append(try await stack.produce(next..<next + perTick, invalidRatio: 0.05))
                next += perTick
                tick += .milliseconds(100)
                try await Task.sleep(until: tick)
            }
        }
        // Throughput and RSS every 10 s (every 5 s in a short run).
        let started = ContinuousClock.now
        let reporting = Task {
            var lastAccepted = 0
            var lastTime = started
            while !Task.isCancelled {
                try? await Task.sleep(for: duration >= .seconds(120) ? .seconds(10) : .seconds(5))
                let accepted = (try? stack.acceptedCount()) ?? lastAccepted
                let now = ContinuousClock.now
                let interval = Double((now - lastTime).components.seconds) + Double((now - lastTime).components.attoseconds) / 1e18
                // No reading while a killed sink's successor starts.
                let rss = current.value?.child.residentBytes.map(MemorySampler.megabytes) ?? "-"
                soakReport(String(format: "soak: t=%4ds produced %7d  ingested %7d  %6.0f records/s  RSS %@",
                             Int((now - started).components.seconds), produced.all.count, accepted,
                             Double(accepted - lastAccepted) / max(interval, 0.001), rss))
                lastAccepted = accepted
                lastTime = now
            }
        }

        // On a failure too: no task outlives the test.
        defer {
            stopProducing.value = true
            reporting.cancel()
            memory.stop()
        }

        var faults: [String] = []
        var round = 0
        while ContinuousClock.now + faultEvery < started + duration {
            try await Task.sleep(until: started + faultEvery * (round + 1))
            let fault = round % 5
            round += 1
            switch fault {
            case 0:
                faults.append("SIGKILL")
                let sink = try #require(current.value)
                sink.child.signal(SIGKILL)
                _ = try await sink.child.exit(timeout: .seconds(10))
                try await startSink()
            case 1:
                faults.append("API outage")
                try stack.setEmulatorFaults(#"{"outage": {"status": 503, "seconds": \#(faultLength.components.seconds)}}"#)
            case 2:
                faults.append("429 storm")
                // Each 429 costs the one retrying batch a growing backoff: a short run gets fewer.
                let storm = Array(repeating: #"{"status": 429, "retryAfter": "1"}"#, count: duration >= .seconds(120) ? 10 : 4)
                try stack.setEmulatorFaults(#"{"statusSequence": [\#(storm.joined(separator: ","))]}"#)
            case 3:
                faults.append("brokers down")
                for broker in cluster.brokerIDs { try cluster.setBrokerDown(broker) }
                try await Task.sleep(for: faultLength)
                for broker in cluster.brokerIDs { try cluster.setBrokerUp(broker) }
            default:
                // Every Produce request fails, the soak's own too (its producer retries them).
                faults.append("DLQ unwritable")
                cluster.pushRequestErrors(.produce, Array(repeating: .notEnoughReplicas, count: 1_000_000))
                try await Task.sleep(for: faultLength)
                cluster.clearRequestErrors(.produce)
            }
            soakReport("soak: t=\(Int((ContinuousClock.now - started).components.seconds))s fault \(round): \(faults.last!)")
        }
        try await Task.sleep(until: started + duration)
        stopProducing.value = true
        try await producing.value
        let all = produced.all
        let elapsed = ContinuousClock.now - started
        do {
            try await stack.eventually("every partition committed to the end", timeout: .seconds(300)) {
                try stack.committedReachedEnd(group: group)
            }
        } catch {
            // What a stuck soak needs to be understood: the sink's own account of itself.
            let sink = current.value
            soakReport("soak: stuck; /readyz: \((try? sink?.get("/readyz").body) ?? "-")")
            for line in sink?.logLines.suffix(30) ?? [] { soakReport("soak: sink log: \(line)") }
            throw error
        }
        let drained = ContinuousClock.now - started
        reporting.cancel()
        memory.stop()

        let accounting = try await stack.account(all)
        LocalStack.expectNothingLost(accounting)
        #expect(faults.count >= 5, "\(faults)")
        let sink = try #require(current.value)
        #expect(sink.child.isRunning)

        await stack.finishScenario(stopping: sink.child, logsOf: sinks)
        let samples = memory.all.map(\.bytes)
        let drainedSeconds = Double(drained.components.seconds) + Double(drained.components.attoseconds) / 1e18
        soakReport("soak: faults \(faults.joined(separator: ", "))")
        soakReport("soak: produced \(all.count) in \(elapsed), all final after \(drained): \(String(format: "%.0f", Double(accounting.ingested + accounting.deadLettered) / drainedSeconds)) records/s")
        soakReport("soak: RSS min \(MemorySampler.megabytes(samples.min() ?? 0)), max \(MemorySampler.megabytes(samples.max() ?? 0)) over \(sinks.count) sink processes")
        soakReport("soak: \(accounting)")
        ReliabilityRow(scenario: "Soak: \(seconds) s at \(rate)/s, faults 1–5 in turn", accounting: accounting).print()
    }
}

/// A soak line, flushed at once: `make soak` pipes the output, and progress should show as it
/// happens, not when the buffer fills.
private func soakReport(_ line: String) {
    print(line)
    fflush(nil)
}
