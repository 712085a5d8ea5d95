import Foundation
import IngestionAPI

/// Every figure of one benchmark run: the table it prints and the `--json` object.
struct BenchReport: Sendable {
    struct Ceiling: Sendable, MedianRun {
        var records: Int
        var bytes: Int
        var seconds: Double
        var cpuSeconds: Double
        /// Records per second of each run, in order, when this is their median.
        var runRates: [Double] = []
        var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
    }

    struct EndToEnd: Sendable, MedianRun {
        var batchItems: Int
        var maxInFlight: Int
        var records: Int
        /// Items the API emulator accepted.
        var ingested: Int
        /// Records on the dead-letter topic (none are expected: every record is valid).
        var deadLettered: Int
        var apiRequests: Int
        /// Whether the group's committed offsets reached the end of every partition.
        var committed: Bool
        /// From the sink reporting ready (joined its group) to the committed offsets at the end.
        var seconds: Double
        /// The sink's CPU time over those seconds.
        var cpuSeconds: Double
        var peakResidentBytes: Int
        /// CPU time of the API emulator and of the mock cluster over the same seconds: the rest of
        /// what the machine did for these records.
        var emulatorCpuSeconds: Double
        var brokerCpuSeconds: Double
        /// The sink's exit status after SIGTERM (0: drained and left cleanly).
        var exitStatus: Int32
        /// For the median of several runs: every run's records/s, and whether every run accounted
        /// for every record (the other runs' figures are otherwise not kept).
        var runRates: [Double] = []
        var everyRunAccountedFor = true
        var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
        var cpuSecondsPerMillionRecords: Double { records > 0 ? cpuSeconds * 1_000_000 / Double(records) : 0 }
        var accountedFor: Bool { committed && ingested + deadLettered >= records && everyRunAccountedFor }

        /// The run of median throughput, with every run's rate and the highest peak RSS of all:
        /// memory is a bound, so the worst run is the one reported.
        static func median(of runs: [EndToEnd]) -> EndToEnd {
            var median = medianRun(of: runs)
            median.peakResidentBytes = runs.map(\.peakResidentBytes).max() ?? median.peakResidentBytes
            median.everyRunAccountedFor = runs.allSatisfy(\.accountedFor)
            return median
        }
    }

    struct Latency: Sendable {
        var rate: Int
        var lingerMilliseconds: Int
        /// The sink's `fetch.wait.max.ms` in this phase (see `BenchSettings.latencyFetchWaitMilliseconds`).
        var fetchWaitMilliseconds: Int
        /// Records measured (after the warm-up).
        var records: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
    }

    var settings: BenchSettings
    var loadAverage: Double?
    var ceiling: Ceiling
    var endToEnd: EndToEnd
    var latency: Latency?
    var sweep: [EndToEnd] = []

    var ratio: Double { ceiling.recordsPerSecond > 0 ? endToEnd.recordsPerSecond / ceiling.recordsPerSecond : 0 }

    var table: String {
        let s = settings
        var lines = [
            "metadata-sink bench: \(s.records) records of ~\(s.recordBytes) bytes, \(s.partitions) partitions, "
                + "batches of \(endToEnd.batchItems), \(endToEnd.maxInFlight) in flight, linger \(s.lingerMilliseconds) ms"
                + (loadAverage.map { ", load average \(Self.fixed($0, 2)) at start" } ?? ""),
            "",
            "| figure | value |",
            "|---|---|",
            "| (a) ceiling: plain librdkafka consumer, median of \(max(1, ceiling.runRates.count)) runs | \(Self.grouped(ceiling.recordsPerSecond)) records/s (\(Self.fixed(ceiling.seconds, 2)) s; runs: \(ceiling.runRates.map { Self.grouped($0) }.joined(separator: ", "))) |",
            "| (b) end to end: `metadata-sink run` until committed, median of \(max(1, endToEnd.runRates.count)) runs | \(Self.grouped(endToEnd.recordsPerSecond)) records/s (\(Self.fixed(endToEnd.seconds, 2)) s; runs: \(endToEnd.runRates.map { Self.grouped($0) }.joined(separator: ", "))) |",
            "| (c) end to end / ceiling | \(Self.fixed(ratio, 2)) |",
            "| (d) sink peak RSS, highest of the runs | \(Self.fixed(Double(endToEnd.peakResidentBytes) / 1_048_576, 1)) MiB |",
            "| (d) sink CPU | \(Self.fixed(endToEnd.cpuSecondsPerMillionRecords, 2)) CPU-seconds per million records |",
        ]
        if let latency {
            lines.append("| (e) latency at \(latency.rate) records/s, record timestamp → API acceptance (linger \(latency.lingerMilliseconds) ms, fetch.wait.max.ms \(latency.fetchWaitMilliseconds), \(latency.records) records) | p50 \(Self.fixed(latency.p50Milliseconds, 1)) ms, p99 \(Self.fixed(latency.p99Milliseconds, 1)) ms, max \(Self.fixed(latency.maxMilliseconds, 1)) ms |")
        }
        lines.append("")
        lines.append("ingested \(endToEnd.ingested) of \(endToEnd.records), dead-lettered \(endToEnd.deadLettered), "
            + "\(endToEnd.apiRequests) API requests, offsets committed: \(endToEnd.committed ? "yes" : "NO"), "
            + "sink exit status \(endToEnd.exitStatus); over (b) the sink used \(Self.fixed(endToEnd.cpuSeconds, 2)) CPU-s, "
            + "the API emulator \(Self.fixed(endToEnd.emulatorCpuSeconds, 2)), the mock cluster \(Self.fixed(endToEnd.brokerCpuSeconds, 2)) "
            + "(the ceiling consumer used \(Self.fixed(ceiling.cpuSeconds, 2)) for (a))")
        if !sweep.isEmpty {
            lines += ["", "| in flight | batch items | records/s | sink CPU-s per million | sink peak RSS |", "|---|---|---|---|---|"]
            for run in sweep {
                lines.append("| \(run.maxInFlight) | \(run.batchItems) | \(Self.grouped(run.recordsPerSecond)) | "
                    + "\(Self.fixed(run.cpuSecondsPerMillionRecords, 2)) | \(Self.fixed(Double(run.peakResidentBytes) / 1_048_576, 1)) MiB |")
            }
        }
        return lines.joined(separator: "\n")
    }

    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("records", .integer(settings.records)),
            ("partitions", .integer(settings.partitions)),
            ("recordBytes", .integer(settings.recordBytes)),
            ("batchItems", .integer(endToEnd.batchItems)),
            ("maxInFlight", .integer(endToEnd.maxInFlight)),
            ("lingerMs", .integer(settings.lingerMilliseconds)),
            ("loadAverage", loadAverage.map { Self.number($0, 2) } ?? .null),
            ("ceiling", [
                "records": .integer(ceiling.records),
                "bytes": .integer(ceiling.bytes),
                "seconds": Self.number(ceiling.seconds, 3),
                "recordsPerSecond": Self.number(ceiling.recordsPerSecond, 0),
                "cpuSeconds": Self.number(ceiling.cpuSeconds, 2),
                "runs": .array(ceiling.runRates.map { Self.number($0, 0) }),
            ]),
            ("endToEnd", Self.json(endToEnd)),
            ("ratio", Self.number(ratio, 3)),
        ]
        if let latency {
            members.append(("latency", [
                "rate": .integer(latency.rate),
                "lingerMs": .integer(latency.lingerMilliseconds),
                "fetchWaitMaxMs": .integer(latency.fetchWaitMilliseconds),
                "records": .integer(latency.records),
                "p50Ms": Self.number(latency.p50Milliseconds, 1),
                "p99Ms": Self.number(latency.p99Milliseconds, 1),
                "maxMs": Self.number(latency.maxMilliseconds, 1),
            ]))
        } else {
            members.append(("latency", .null))
        }
        members.append(("sweep", .array(sweep.map(Self.json))))
        return .object(JSONObject(members))
    }

    private static func json(_ run: EndToEnd) -> JSONValue {
        [
            "batchItems": .integer(run.batchItems),
            "maxInFlight": .integer(run.maxInFlight),
            "records": .integer(run.records),
            "ingested": .integer(run.ingested),
            "deadLettered": .integer(run.deadLettered),
            "apiRequests": .integer(run.apiRequests),
            "committed": .bool(run.committed),
            "seconds": number(run.seconds, 3),
            "recordsPerSecond": number(run.recordsPerSecond, 0),
            "cpuSeconds": number(run.cpuSeconds, 2),
            "cpuSecondsPerMillionRecords": number(run.cpuSecondsPerMillionRecords, 2),
            "peakRssBytes": .integer(run.peakResidentBytes),
            "emulatorCpuSeconds": number(run.emulatorCpuSeconds, 2),
            "brokerCpuSeconds": number(run.brokerCpuSeconds, 2),
            "exitStatus": .integer(run.exitStatus),
            "runs": .array(run.runRates.map { number($0, 0) }),
        ]
    }

    static func number(_ value: Double, _ digits: Int) -> JSONValue {
        .number(fixed(value.isFinite ? value : 0, digits))
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// `1234567.8` → `1,234,568`.
    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}

/// A run of (a) or (b): reported as the run of median throughput, with every run's rate.
protocol MedianRun {
    var recordsPerSecond: Double { get }
    /// Records per second of each run, in order, when this is their median.
    var runRates: [Double] { get set }
}

extension MedianRun {
    /// A run reads the whole topic in about a second or less, where a busy neighbour on the
    /// machine moves the figure by a fifth or more either way: the median is what (c) divides.
    static func medianRun(of runs: [Self]) -> Self {
        var median = runs.sorted { $0.recordsPerSecond < $1.recordsPerSecond }[runs.count / 2]
        median.runRates = runs.map(\.recordsPerSecond)
        return median
    }
}
