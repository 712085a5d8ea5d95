import ArgumentParser
import Foundation
import IngestionAPI
import Kafka
import Logging

/// `metadata-sink bench-ceiling` (hidden): the benchmark's ceiling as a process of its own, a
/// plain librdkafka consumer that reads the topic to the given ends and does nothing else. Prints
/// one JSON object: records, bytes, seconds (assignment to last record) and the CPU it used.
struct BenchCeilingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ceiling",
        abstract: "The benchmark's ceiling consumer (used by `metadata-sink bench`).",
        shouldDisplay: false)

    @Option(name: .customLong("bootstrap-servers"))
    var bootstrapServers: String

    @Option
    var topic: String

    /// `PARTITION:END,…`
    @Option
    var ends: String

    @Option(help: "Seconds before giving up.")
    var timeout: Int = 600

    func run() throws {
        BenchParentWatch.exitWithParent()
        var logger = Logger(label: "metadata-sink.bench-ceiling") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        var endOffsets: [Int32: Int64] = [:]
        for entry in ends.split(separator: ",") {
            let parts = entry.split(separator: ":")
            guard parts.count == 2, let partition = Int32(parts[0]), let end = Int64(parts[1]) else {
                throw ValidationError("--ends must be PARTITION:END,…, got \(entry)")
            }
            endOffsets[partition] = end
        }
        let before = ProcessUsage.current()
        let result = try KafkaCeilingReader.read(
            properties: ["bootstrap.servers": bootstrapServers, "group.id": "bench-ceiling"],
            topic: topic, ends: endOffsets, timeout: .seconds(timeout), logger: logger)
        let after = ProcessUsage.current()
        let object: JSONValue = [
            "records": .integer(result.records),
            "bytes": .integer(result.bytes),
            "seconds": .number(String(format: "%.4f", result.duration.seconds)),
            "firstRecordSeconds": .number(String(format: "%.4f", result.firstRecordAfter.seconds)),
            "cpuSeconds": .number(String(format: "%.3f", (after?.cpuSeconds ?? 0) - (before?.cpuSeconds ?? 0))),
            "peakRssBytes": .integer(after?.peakResidentBytes ?? 0),
        ]
        print(object.serializedString)
    }
}
