import IngestionAPI

/// (a) The ceiling: `metadata-sink bench-ceiling`, a plain librdkafka consumer reading the whole
/// benchmark topic in a process of its own, like the sink.
enum CeilingMeasurement {
    static func run(in environment: BenchEnvironment, ends: [Int32: Int64], timeout: Duration) async throws -> BenchReport.Ceiling {
        let child = try BenchChildProcess(
            name: "bench-ceiling",
            arguments: ["bench-ceiling", "--bootstrap-servers", environment.bootstrapServers, "--topic", BenchSettings.topic,
                        "--ends", ends.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ","),
                        "--timeout", String(Int(timeout.components.seconds))],
            environment: BenchEnvironment.quietEnvironment)
        let line = try await child.firstLine(timeout: timeout + .seconds(30)) { $0.hasPrefix("{") }
        let status = await child.waitForExit(timeout: .seconds(30))
        environment.logger.info("ceiling", metadata: ["result": "\(line)"])
        guard status == 0, let json = try? JSONParser.parse(line),
              let records = json["records"]?.intValue, let bytes = json["bytes"]?.intValue,
              let seconds = json["seconds"]?.doubleValue, let cpu = json["cpuSeconds"]?.doubleValue
        else {
            throw BenchError("bench-ceiling failed (exit \(status)); its last output:\n\(child.lastOutput)")
        }
        return BenchReport.Ceiling(records: records, bytes: bytes, seconds: seconds, cpuSeconds: cpu)
    }
}
