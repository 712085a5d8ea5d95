import Foundation
import IngestionAPI
import Testing

@Suite("metadata-sink demo, as a process", .timeLimit(.minutes(5)))
struct DemoCommandTests {
    @Test("20,000 records with 20% bad ones: exit 0, and the JSON accounts for every record")
    func demoAccountsForEveryRecord() async throws {
        let output = try await BinaryProcess.run(["demo", "--records", "20000", "--invalid-ratio", "0.2", "--json"])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(2000))")
        let line = try #require(output.lastLine)
        let json = try JSONParser.parse(Array(line.utf8))
        #expect(json["records"]?.intValue == 20_000)
        let ingested = try #require(json["ingested"]?.intValue)
        let deadLettered = try #require(json["deadLettered"]?.intValue)
        let skipped = try #require(json["skipped"]?.intValue)
        #expect(ingested + deadLettered + skipped == 20_000)
        // The sample mix is deterministic: a fifth is bad, spread over three kinds of failure.
        #expect(deadLettered == 4_000)
        #expect(ingested == 16_000)
        #expect(json["offsetsCommitted"] == .bool(true))
        #expect((json["apiRequests"]?.intValue ?? 0) >= 16)
        #expect(json["seconds"]?.doubleValue != nil)
        #expect(json["recordsPerSecond"]?.doubleValue != nil)
    }

    @Test("a bad argument is refused with a usage error")
    func badArgument() async throws {
        let output = try await BinaryProcess.run(["demo", "--invalid-ratio", "2"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--invalid-ratio"))
    }
}
