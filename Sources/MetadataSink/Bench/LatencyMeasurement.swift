import Foundation
import IngestionAPI
import Kafka
import Synchronization

/// (e) Latency at a steady rate: records are produced at `latencyRate` per second, each stamped
/// with the wall-clock time it was produced (its Kafka timestamp); the emulator logs the
/// wall-clock arrival of each request and which items it accepted. Latency is the difference:
/// from record timestamp to API acceptance, all processes reading the same real-time clock.
enum LatencyMeasurement {
    static func run(in environment: BenchEnvironment, group: String) async throws -> BenchReport.Latency {
        let settings = environment.settings
        try await environment.admin.reset()
        let sink = try await BenchSinkProcess.start(
            in: environment, topic: BenchSettings.latencyTopic, group: group,
            batchItems: settings.batchItems, maxInFlight: settings.maxInFlight,
            lingerMilliseconds: settings.lingerMilliseconds,
            phaseSettings: ["KAFKA_PROPERTY_FETCH_WAIT_MAX_MS": String(settings.latencyFetchWaitMilliseconds)])
        do {
            try await sink.waitUntilReady(http: environment.http, timeout: .seconds(60))
            let produced = try await produceSteadily(in: environment)
            try await waitForAccepted(produced.count, admin: environment.admin, sink: sink.child, timeout: settings.phaseTimeout)
            let requests = try await environment.admin.requests()
            let accepted = try await environment.admin.acceptedItems()
            await sink.child.terminate()
            return try summarize(produced: produced, requests: requests, accepted: accepted, settings: settings)
        } catch {
            await sink.child.terminate()
            throw error
        }
    }

    struct Produced: Sendable {
        /// By the eventId the sink sends: the record's own, or the one derived from its coordinates.
        var timestampByEventId: [String: Int64] = [:]
        var warmUpEventIds: Set<String> = []
        var count: Int { timestampByEventId.count }
    }

    private final class ProducedLog: Sendable {
        let state = Mutex(Produced())
    }

    /// One record every `1/rate` seconds on a fixed schedule (catching up at once when late),
    /// each timestamped with the wall clock when handed to the producer, which sends it without
    /// lingering.
    static func produceSteadily(in environment: BenchEnvironment) async throws -> Produced {
        let settings = environment.settings
        let producer = try KafkaProducer(
            configuration: .init(properties: ["bootstrap.servers": environment.bootstrapServers, "linger.ms": "0"]),
            logger: environment.logger)
        let total = settings.latencyRecords
        let warmUp = settings.latencyRate * settings.latencyWarmUpSeconds
        let interval = Duration.seconds(1) / settings.latencyRate
        let produced = ProducedLog()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<(total + warmUp) {
                try await Task.sleep(until: start + interval * index, clock: .continuous)
                let eventId = index % 5 == 0 ? nil : "lat-\(index)"
                let timestamp = Int64(Date().timeIntervalSince1970 * 1000)
                let record = KafkaProducerRecord(
                    topic: BenchSettings.latencyTopic, partition: Int32(index % Int(settings.partitions)),
                    value: BenchRecords.value(index: index, bytes: settings.recordBytes, eventIdPrefix: "lat"),
                    timestamp: timestamp)
                group.addTask {
                    let report = try await producer.send(record)
                    let id = eventId ?? EventID.derive(topic: report.topic, partition: report.partition, offset: report.offset)
                    produced.state.withLock { state in
                        state.timestampByEventId[id] = timestamp
                        if index < warmUp { state.warmUpEventIds.insert(id) }
                    }
                }
            }
            try await group.waitForAll()
        }
        await producer.shutdown()
        return produced.state.withLock { $0 }
    }

    static func waitForAccepted(_ count: Int, admin: EmulatorAdminClient, sink: BenchChildProcess, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try await admin.stats())["acceptedItems"]?.intValue ?? 0 >= count { return }
            guard sink.exitStatus == nil else {
                throw BenchError("run exited (\(sink.exitStatus ?? -1)) during the latency phase; its last output:\n\(sink.lastOutput)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("the emulator did not accept all \(count) latency records within \(timeout)")
    }

    static func summarize(
        produced: Produced, requests: [JSONValue], accepted: [JSONValue], settings: BenchSettings
    ) throws -> BenchReport.Latency {
        var arrival: [Int: Int64] = [:]
        for request in requests {
            if let index = request["index"]?.intValue, let micros = request["receivedAtUnixMicros"]?.intValue {
                arrival[index] = Int64(micros)
            }
        }
        var latencies: [Double] = []
        var seen = Set<String>()
        for item in accepted {
            guard let eventId = item["eventId"]?.stringValue, let requestIndex = item["requestIndex"]?.intValue,
                  let timestamp = produced.timestampByEventId[eventId], let micros = arrival[requestIndex]
            else { throw BenchError("the emulator accepted an item the latency phase did not produce: \(item.serializedString)") }
            // The first acceptance counts; a repeat (none is expected) would only be later.
            guard seen.insert(eventId).inserted, !produced.warmUpEventIds.contains(eventId) else { continue }
            latencies.append(Double(micros - timestamp * 1000) / 1000)
        }
        latencies.sort()
        guard !latencies.isEmpty else { throw BenchError("no latency samples") }
        let fetchWait = settings.sinkSettings["KAFKA_PROPERTY_FETCH_WAIT_MAX_MS"].flatMap { Int($0) } ?? settings.latencyFetchWaitMilliseconds
        return BenchReport.Latency(
            rate: settings.latencyRate, lingerMilliseconds: settings.lingerMilliseconds, fetchWaitMilliseconds: fetchWait,
            records: latencies.count,
            p50Milliseconds: percentile(latencies, 0.50), p99Milliseconds: percentile(latencies, 0.99),
            maxMilliseconds: latencies[latencies.count - 1])
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
