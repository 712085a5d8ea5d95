import ArgumentParser
import Foundation
import IngestionAPI
import Kafka
import Logging

/// `metadata-sink bench`: throughput against the consume ceiling, memory, CPU and latency, in one
/// run on one machine. The mock cluster, the API emulator, the ceiling consumer and the sink each
/// run in a process of their own (started from this binary), so the sink's figures are its own.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput, memory, CPU and latency of `metadata-sink run` against a plain consumer.",
        discussion: """
            (a) ceiling: a plain librdkafka consumer reads the whole benchmark topic; (b) end to end: \
            `metadata-sink run` on the same records until the group's committed offsets reach the end, \
            the API being the emulator in fast mode (it parses every body and answers every item \
            without validating); (c) b/a; (d) the sink's peak RSS and CPU-seconds per million records; \
            (e) latency from record timestamp to API acceptance at a steady rate. Build with \
            `-c release` for meaningful figures.
            """
    )

    @Option(help: "Records in the backlog.")
    var records: Int = 400_000

    @Option(help: "Partitions of the benchmark topics (the mock cluster keeps about 5 MB per partition).")
    var partitions: Int32 = 64

    @Option(name: .customLong("record-bytes"), help: "Approximate size of each record.")
    var recordBytes: Int = 400

    @Option(name: .customLong("batch-items"), help: "BATCH_MAX_ITEMS of the sink.")
    var batchItems: Int = 1000

    @Option(name: .customLong("max-in-flight"), help: "MAX_IN_FLIGHT of the sink.")
    var maxInFlight: Int = 4

    @Option(name: .customLong("linger-ms"), help: "BATCH_LINGER_MS of the sink.")
    var lingerMilliseconds: Int = 100

    @Option(name: .customLong("latency-rate"), help: "Records per second in the latency phase.")
    var latencyRate: Int = 1000

    @Option(name: .customLong("latency-seconds"), help: "Measured seconds of the latency phase (after 1 s of warm-up); 0 skips it.")
    var latencySeconds: Int = 10

    @Option(
        name: .customLong("sink-setting"),
        help: ArgumentHelp("An extra setting for the sink, as its environment variable; repeat for more.", valueName: "NAME=VALUE"))
    var sinkSettings: [String] = []

    @Flag(help: "Also measure throughput by in-flight limit (1, 2, 4, 8) and by batch size (100, 500, 1000).")
    var sweep = false

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @Flag(help: "Log progress at info level to standard error.")
    var verbose = false

    func validate() throws {
        guard records >= 1 else { throw ValidationError("--records must be at least 1") }
        guard (1...1000).contains(partitions) else { throw ValidationError("--partitions must be from 1 to 1000") }
        guard (200...1500).contains(recordBytes) else { throw ValidationError("--record-bytes must be from 200 to 1500") }
        guard (1...1000).contains(batchItems) else { throw ValidationError("--batch-items must be from 1 to 1000") }
        guard (1...64).contains(maxInFlight) else { throw ValidationError("--max-in-flight must be from 1 to 64") }
        guard (0...60_000).contains(lingerMilliseconds) else { throw ValidationError("--linger-ms must be from 0 to 60000") }
        guard (1...20_000).contains(latencyRate) else { throw ValidationError("--latency-rate must be from 1 to 20000") }
        guard (0...3600).contains(latencySeconds) else { throw ValidationError("--latency-seconds must be from 0 to 3600") }
        // Leave room for record overhead: the mock cluster silently drops the oldest data beyond ~5 MB.
        let perPartition = records / Int(partitions) * (recordBytes + 100)
        for setting in sinkSettings where !setting.contains("=") || !SinkConfigurationKey.isKnown(String(setting.prefix { $0 != "=" })) {
            throw ValidationError("--sink-setting must be NAME=VALUE with NAME a setting of `run` (e.g. KAFKA_PROPERTY_FETCH_WAIT_MAX_MS), got \(setting)")
        }
        guard perPartition <= BenchSettings.mockPartitionBytes * 9 / 10 else {
            throw ValidationError("--records \(records) of --record-bytes \(recordBytes) over \(partitions) partitions exceed what the mock cluster keeps per partition (about 5 MB): use more partitions or fewer records")
        }
    }

    var settings: BenchSettings {
        var settings = BenchSettings()
        settings.records = records
        settings.partitions = partitions
        settings.recordBytes = recordBytes
        settings.batchItems = batchItems
        settings.maxInFlight = maxInFlight
        settings.lingerMilliseconds = lingerMilliseconds
        settings.latencyRate = latencyRate
        settings.latencySeconds = latencySeconds
        settings.sweep = sweep
        for setting in sinkSettings {
            let name = String(setting.prefix { $0 != "=" })
            settings.sinkSettings[name] = String(setting.dropFirst(name.count + 1))
        }
        return settings
    }

    func run() async throws {
        // The children's health server and the emulator close sockets under us at the end.
        signal(SIGPIPE, SIG_IGN)
        var logger = Logger(label: "metadata-sink.bench") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .info : .warning
        let report: BenchReport
        do {
            report = try await BenchRun(settings: settings, logger: logger).run()
        } catch {
            FileHandle.standardError.write(Data("metadata-sink bench failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(json ? report.json.serializedString : report.table)
        if !report.endToEnd.accountedFor || report.sweep.contains(where: { !$0.accountedFor }) { throw ExitCode(1) }
    }
}

/// The benchmark's phases, in order.
struct BenchRun {
    let settings: BenchSettings
    let logger: Logger

    func run() async throws -> BenchReport {
        let loadAverage = Self.loadAverage()
        let environment = try await BenchEnvironment.start(settings: settings, logger: logger)
        do {
            let report = try await phases(in: environment, loadAverage: loadAverage)
            await environment.stop()
            return report
        } catch {
            await environment.stop()
            throw error
        }
    }

    private func phases(in environment: BenchEnvironment, loadAverage: Double?) async throws -> BenchReport {
        logger.info("producing the backlog", metadata: ["records": "\(settings.records)", "partitions": "\(settings.partitions)"])
        let ends = try await environment.produceBacklog()

        // Group names unique to this invocation: a sink left running by an earlier, killed bench
        // whose broker port the new mock cluster happens to reuse would otherwise join the same
        // group, take half the partitions and never commit them.
        let groupPrefix = "bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var runs = 0
        func measure(batchItems: Int, maxInFlight: Int) async throws -> BenchReport.EndToEnd {
            runs += 1
            let result = try await EndToEndMeasurement.run(
                in: environment, ends: ends, batchItems: batchItems, maxInFlight: maxInFlight, group: "\(groupPrefix)-\(runs)")
            logger.info("end to end", metadata: [
                "batchItems": "\(batchItems)", "maxInFlight": "\(maxInFlight)",
                "recordsPerSecond": "\(Int(result.recordsPerSecond))", "seconds": "\(result.seconds)",
            ])
            return result
        }
        // (a) and (b) each the median of several runs, taken in turn: a run of either moves with
        // the machine, whose speed drifts by a fifth over tens of seconds here, and (c) divides one
        // by the other. All of (a) before all of (b) let a drift between the two phases move (c)
        // by as much (0.40 to 0.58 for one build); alternating, both medians see the same spells.
        let partitionEnds = Dictionary(uniqueKeysWithValues: ends.map { ($0.key.partition, $0.value) })
        var ceilingRuns: [BenchReport.Ceiling] = []
        var endToEndRuns: [BenchReport.EndToEnd] = []
        for run in 1...BenchSettings.measuredRuns {
            logger.info("(a) ceiling", metadata: ["run": "\(run)"])
            ceilingRuns.append(try await CeilingMeasurement.run(in: environment, ends: partitionEnds, timeout: settings.phaseTimeout))
            logger.info("(b) end to end", metadata: ["run": "\(run)"])
            endToEndRuns.append(try await measure(batchItems: settings.batchItems, maxInFlight: settings.maxInFlight))
        }
        let ceiling = BenchReport.Ceiling.medianRun(of: ceilingRuns)
        let endToEnd = BenchReport.EndToEnd.median(of: endToEndRuns)

        var latency: BenchReport.Latency?
        if settings.latencySeconds > 0 {
            logger.info("(e) latency", metadata: ["rate": "\(settings.latencyRate)", "seconds": "\(settings.latencySeconds)"])
            latency = try await LatencyMeasurement.run(in: environment, group: "\(groupPrefix)-latency")
        }

        var sweep: [BenchReport.EndToEnd] = []
        if settings.sweep {
            for inFlight in BenchSettings.sweepInFlight {
                let reuse = inFlight == settings.maxInFlight && settings.batchItems == 1000
                sweep.append(reuse ? endToEnd : try await measure(batchItems: 1000, maxInFlight: inFlight))
            }
            for items in BenchSettings.sweepBatchItems {
                if items == 1000, let same = sweep.first(where: { $0.maxInFlight == settings.maxInFlight && $0.batchItems == 1000 }) {
                    sweep.append(same)
                    continue
                }
                sweep.append(try await measure(batchItems: items, maxInFlight: settings.maxInFlight))
            }
        }
        return BenchReport(
            settings: settings, loadAverage: loadAverage, ceiling: ceiling, endToEnd: endToEnd, latency: latency, sweep: sweep)
    }

    /// The 1-minute load average: how busy the machine was when the run started.
    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
              let first = text.split(separator: " ").first else { return nil }
        return Double(first)
    }
}
