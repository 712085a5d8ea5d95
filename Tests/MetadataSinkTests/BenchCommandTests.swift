import Foundation
import IngestionAPI
import Testing

/// Proves that `bench` works end to end with a small backlog; the figures themselves are the
/// benchmark's business, never asserted here.
@Suite("metadata-sink bench, as a process", .serialized, .timeLimit(.minutes(5)))
struct BenchCommandTests {
    @Test("a process bench starts exits once bench is gone: its standard input reaches end of file")
    func childExitsWithItsParent() async throws {
        let watchedInput = Pipe()
        let watched = try SignalledBinary(["emulator", "--port", "0"], environment: ["METADATA_SINK_BENCH_CHILD": "1"], standardInput: watchedInput)
        // The same command outside a benchmark ignores its standard input.
        let controlInput = Pipe()
        let control = try SignalledBinary(["emulator", "--port", "0"], environment: [:], standardInput: controlInput)
        // What the kernel does to the pipe when bench dies.
        try watchedInput.fileHandleForWriting.close()
        try controlInput.fileHandleForWriting.close()
        // Generous: at the start of the suite, every other test starts processes on the same two cores.
        let exited = try await withTestDeadline(.seconds(90)) { _ = await watched.exitStatus() }
        #expect(exited, "the child of bench outlived it; its output: \(watched.allOutput)")
        #expect(await watched.exitStatus() == 3)
        #expect(try await control.stop() != 3, "a process bench did not start must not watch its standard input")
    }

    @Test("a small run prints one JSON object whose figures account for every record")
    func smallRunAccountsForEveryRecord() async throws {
        let output = try await BinaryProcess.run([
            "bench", "--records", "3000", "--partitions", "4", "--latency-rate", "200", "--latency-seconds", "2", "--json", "--verbose",
        ])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(3000))")
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "one JSON object and nothing else on stdout")
        // The runs of (a) and (b) take turns, so that both medians see the same spells of the machine.
        let phases = output.stderr.split(separator: "\n").compactMap { line -> String? in
            if line.hasSuffix("] (a) ceiling") { return "a" }
            if line.hasSuffix("] (b) end to end") { return "b" }
            return nil
        }
        #expect(phases == Array(repeating: ["a", "b"], count: 5).flatMap { $0 }, "stderr: \(output.stderr.suffix(3000))")
        let json = try JSONParser.parse(Array(try #require(lines.last).utf8))

        #expect(json["records"]?.intValue == 3000)
        #expect(json["partitions"]?.intValue == 4)
        #expect(json["batchItems"]?.intValue == 1000)
        #expect(json["maxInFlight"]?.intValue == 4)

        let ceiling = try #require(json["ceiling"])
        #expect(ceiling["records"]?.intValue == 3000)
        #expect((ceiling["bytes"]?.intValue ?? 0) >= 3000 * 300)
        let ceilingRate = try #require(ceiling["recordsPerSecond"]?.doubleValue)
        #expect(ceilingRate > 0)
        let runs = try #require(ceiling["runs"]?.arrayValue?.compactMap { $0.doubleValue })
        #expect(runs.count == 5)
        #expect(runs.sorted()[2] == ceilingRate, "the median run")

        let endToEnd = try #require(json["endToEnd"])
        #expect(endToEnd["records"]?.intValue == 3000)
        #expect(endToEnd["ingested"]?.intValue == 3000, "every record reached the API")
        #expect(endToEnd["deadLettered"]?.intValue == 0)
        #expect(endToEnd["committed"] == .bool(true), "the group's offsets reached the end")
        #expect(endToEnd["exitStatus"]?.intValue == 0, "the sink drained and stopped cleanly on SIGTERM")
        #expect(endToEnd["runs"]?.arrayValue?.count == 5, "(b) is the median of five runs")
        #expect((endToEnd["apiRequests"]?.intValue ?? 0) >= 3, "3000 records need at least three requests of 1000")
        #expect((endToEnd["peakRssBytes"]?.intValue ?? 0) > 1_000_000)
        let seconds = try #require(endToEnd["seconds"]?.doubleValue)
        let rate = try #require(endToEnd["recordsPerSecond"]?.doubleValue)
        #expect(seconds > 0)
        #expect(abs(rate - 3000 / seconds) <= max(1, rate * 0.01))
        let cpu = try #require(endToEnd["cpuSeconds"]?.doubleValue)
        let cpuPerMillion = try #require(endToEnd["cpuSecondsPerMillionRecords"]?.doubleValue)
        #expect(cpu >= 0)
        #expect(abs(cpuPerMillion - cpu * 1_000_000 / 3000) <= max(0.01, cpuPerMillion * 0.01) + 2)

        let ratio = try #require(json["ratio"]?.doubleValue)
        #expect(abs(ratio - rate / ceilingRate) <= 0.01 + ratio * 0.01)

        let latency = try #require(json["latency"])
        #expect(latency["rate"]?.intValue == 200)
        #expect(latency["records"]?.intValue == 400, "2 measured seconds at 200 records/s, after the warm-up")
        let p50 = try #require(latency["p50Ms"]?.doubleValue)
        let p99 = try #require(latency["p99Ms"]?.doubleValue)
        let max = try #require(latency["maxMs"]?.doubleValue)
        #expect(p50 > 0 && p50 <= p99 && p99 <= max)

        #expect(json["sweep"] == .array([]))
    }

    @Test("an impossible backlog is refused before anything starts")
    func refusesBacklogTooLargeForTheMockCluster() async throws {
        let output = try await BinaryProcess.run(["bench", "--records", "2000000", "--partitions", "4"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--records"))
    }
}
