import HTTPClient
import Kafka

/// (b) and (d): `metadata-sink run` on the backlog, from the moment it is ready (joined its
/// group) until the group's committed offsets, read back from the broker, reach the end of every
/// partition. CPU and peak memory are read from the sink's own `/proc` entries.
enum EndToEndMeasurement {
    static func run(
        in environment: BenchEnvironment,
        ends: [TopicPartition: Int64],
        batchItems: Int,
        maxInFlight: Int,
        group: String
    ) async throws -> BenchReport.EndToEnd {
        let settings = environment.settings
        try await environment.admin.reset()
        let probe = try environment.probe(group: group)
        let sink = try await BenchSinkProcess.start(
            in: environment, topic: BenchSettings.topic, group: group,
            batchItems: batchItems, maxInFlight: maxInFlight, lingerMilliseconds: settings.lingerMilliseconds)
        do {
            try await sink.waitUntilReady(http: environment.http, timeout: .seconds(60))
            let started = ContinuousClock.now
            guard let before = sink.child.usage() else { throw BenchError("cannot read /proc of the sink") }
            let othersBefore = [environment.emulator.usage()?.cpuSeconds ?? 0, environment.broker.usage()?.cpuSeconds ?? 0]
            let progress = Task { await logProgress(of: sink, in: environment, since: started) }
            defer { progress.cancel() }
            let committed = try await waitForCommits(
                probe: probe, ends: ends, records: settings.records, admin: environment.admin, sink: sink.child, timeout: settings.phaseTimeout)
            let seconds = (ContinuousClock.now - started).seconds
            if !committed {
                await reportStall(of: sink, probe: probe, ends: ends, in: environment)
            }
            guard let after = sink.child.usage() else { throw BenchError("cannot read /proc of the sink") }
            let othersAfter = [environment.emulator.usage()?.cpuSeconds ?? 0, environment.broker.usage()?.cpuSeconds ?? 0]
            let stats = try await environment.admin.stats()
            let deadLettered = try probe.watermarks(TopicPartition(topic: BenchSettings.deadLetterTopic, partition: 0)).high
            let status = await sink.child.terminate()
            await probe.shutdown()
            return BenchReport.EndToEnd(
                batchItems: batchItems, maxInFlight: maxInFlight, records: settings.records,
                ingested: stats["acceptedItems"]?.intValue ?? 0, deadLettered: Int(deadLettered),
                apiRequests: stats["requests"]?.intValue ?? 0, committed: committed, seconds: seconds,
                cpuSeconds: after.cpuSeconds - before.cpuSeconds, peakResidentBytes: after.peakResidentBytes,
                emulatorCpuSeconds: othersAfter[0] - othersBefore[0], brokerCpuSeconds: othersAfter[1] - othersBefore[1],
                exitStatus: status)
        } catch {
            await sink.child.terminate()
            await probe.shutdown()
            throw error
        }
    }

    /// With `--verbose`: the sink's own counters from its `/metrics` every 100 ms, to see where
    /// a run spends its time.
    static func logProgress(of sink: BenchSinkProcess, in environment: BenchEnvironment, since started: ContinuousClock.Instant) async {
        guard environment.logger.logLevel <= .info else { return }
        let names = ["records_consumed_total", "records_ingested_total", "in_flight_requests", "paused_partitions"]
        while !Task.isCancelled {
            if let lines = await metricLines(of: sink, in: environment) {
                var values: [String] = []
                for line in lines {
                    for name in names where line.hasPrefix("metadata_sink_\(name) ") {
                        values.append("\(name)=\(line.split(separator: " ").last ?? "")")
                    }
                }
                environment.logger.info("sink progress", metadata: [
                    "seconds": "\(BenchReport.fixed((ContinuousClock.now - started).seconds, 2))", "metrics": "\(values.joined(separator: " "))",
                ])
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// When the committed offsets never reached the end: which partitions stayed behind, by the
    /// broker's account and by the sink's own (its committed-offset gauges and counters), so that
    /// a stall can be told apart from records never read, never finished or never committed.
    static func reportStall(of sink: BenchSinkProcess, probe: KafkaConsumer, ends: [TopicPartition: Int64], in environment: BenchEnvironment) async {
        let committed = (try? probe.committed(Array(ends.keys))) ?? [:]
        let behind = ends.filter { $0.value > 0 && (committed[$0.key] ?? nil) != $0.value }.keys.sorted()
        let brokerView = behind.map { "\($0): \((committed[$0] ?? nil).map(String.init) ?? "none") of \(ends[$0] ?? 0)" }
        // The sink's counters, and its committed-offset gauge for the partitions behind.
        let gauges = Set(behind.map { "partition=\"\($0.partition)\"" })
        let counters = ["records_consumed_total", "records_ingested_total", "records_dead_lettered_total", "in_flight_requests", "paused_partitions"]
        let sinkView = (await metricLines(of: sink, in: environment) ?? []).filter { line in
            counters.contains { line.hasPrefix("metadata_sink_\($0)") }
                || (line.hasPrefix("metadata_sink_committed_offset") && gauges.contains { line.contains($0) })
        }.map(String.init)
        environment.logger.warning("end to end: the committed offsets did not reach the end", metadata: [
            "behind": "\(brokerView)", "sink": "\(sinkView)", "sinkOutput": "\(sink.child.lastOutput)",
        ])
    }

    /// The sample lines of the sink's `/metrics` (comments left out); nil when it did not answer.
    static func metricLines(of sink: BenchSinkProcess, in environment: BenchEnvironment) async -> [Substring]? {
        let request = HTTPRequest(method: "GET", url: "http://127.0.0.1:\(sink.healthPort)/metrics")
        guard let response = try? await environment.http.execute(request) else { return nil }
        return String(decoding: response.body, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    /// Waits until every partition's committed offset is at its end, as the broker tells.
    ///
    /// First it awaits the emulator's acceptance of every record, a long poll that answers as
    /// soon as the last request is in: asking the broker every 10 ms all along cost this
    /// process and the mock cluster about 3% of the CPU the run is measured on. The commit that
    /// follows the last answer is then read back every 2 ms, which also finds the end sooner.
    /// A backlog the emulator never wholly accepts (records dead-lettered) still ends: each
    /// long poll lasts at most a second, and the offsets are read between them.
    static func waitForCommits(
        probe: KafkaConsumer, ends: [TopicPartition: Int64], records: Int, admin: EmulatorAdminClient,
        sink: BenchChildProcess, timeout: Duration
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        let partitions = Array(ends.keys)
        func atEnd() throws -> Bool {
            let committed = try probe.committed(partitions)
            return ends.allSatisfy { $0.value == 0 || (committed[$0.key] ?? nil) == $0.value }
        }
        func checkAlive() throws {
            guard sink.exitStatus == nil else {
                throw BenchError("run exited (\(sink.exitStatus ?? -1)) before committing the backlog; its last output:\n\(sink.lastOutput)")
            }
        }
        var accepted = false
        while !accepted, ContinuousClock.now < deadline {
            accepted = try await admin.waitForAcceptedItems(records, timeout: .seconds(1))
            if !accepted {
                if try atEnd() { return true }
                try checkAlive()
            }
        }
        while ContinuousClock.now < deadline {
            if try atEnd() { return true }
            try checkAlive()
            try await Task.sleep(for: .milliseconds(2))
        }
        return false
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
