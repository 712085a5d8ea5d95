import Foundation
import Testing

/// `metadata-sink run`'s configuration as the built binary reads it: the process boundary
/// (exit status, what reaches stdout and stderr) that Kubernetes and operators see.
@Suite("run: configuration through the built binary")
struct RunConfigurationProcessTests {
    static let secret = "proc-secret-\(UInt32.random(in: 100_000...999_999))"
    static let saslPassword = "sasl-pw-\(UInt32.random(in: 100_000...999_999))"

    /// No Kafka or API settings inherited from the machine that runs the tests.
    static func environment(_ changes: [String: String?] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KAFKA_") && !$0.key.hasPrefix("API_") }
        environment.merge([
            // Nothing listens here: a configuration error must stop start-up before any connection.
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
            "KAFKA_TOPICS": "customer-events",
            "KAFKA_DLQ_TOPIC": "customer-events.dlq",
            "API_ID": "proc-id",
            "API_SECRET": secret,
        ]) { _, new in new }
        for (key, value) in changes { environment[key] = value }
        return environment
    }

    static let errorCases: [(changes: [String: String?], key: String)] = [
        (["KAFKA_BOOTSTRAP_SERVERS": nil], "KAFKA_BOOTSTRAP_SERVERS"),
        (["KAFKA_TOPICS": nil], "KAFKA_TOPICS"),
        (["KAFKA_DLQ_TOPIC": "customer-events"], "KAFKA_DLQ_TOPIC"),
        (["API_SECRET": nil], "API_SECRET"),
        (["API_BASE_URL": "ftp://api.example.com"], "API_BASE_URL"),
        (["BATCH_MAX_ITEMS": "2000"], "BATCH_MAX_ITEMS"),
        (["BATCH_LINGER_MS": "soon"], "BATCH_LINGER_MS"),
        (["HTTP_PORT": "-1"], "HTTP_PORT"),
        (["LOG_LEVEL": "loud"], "LOG_LEVEL"),
        (["SHUTDOWN_GRACE_SECONDS": "0"], "SHUTDOWN_GRACE_SECONDS"),
        (["KAFKA_PROPERTY_NO_SUCH_THING": "1"], "KAFKA_PROPERTY_NO_SUCH_THING"),
    ]

    @Test("a bad or missing setting exits 78, naming the key, without printing a secret",
          arguments: errorCases.indices)
    func badSettingExits78(_ index: Int) async throws {
        let errorCase = Self.errorCases[index]
        let output = try await BinaryProcess.run(["run"], environment: Self.environment(errorCase.changes), inheritEnvironment: false)
        #expect(output.status == 78, "\(errorCase.key): \(output.stderr)")
        #expect(output.stderr.contains(errorCase.key), "\(output.stderr)")
        #expect(!(output.stdout + output.stderr).contains(Self.secret))
    }

    @Test("the unknown librdkafka property is reported in librdkafka's own words")
    func unknownKafkaProperty() async throws {
        let output = try await BinaryProcess.run(
            ["run"], environment: Self.environment(["KAFKA_PROPERTY_NO_SUCH_THING": "1"]), inheritEnvironment: false)
        #expect(output.status == 78)
        #expect(output.stderr.contains("No such configuration property: \"no.such.thing\""), "\(output.stderr)")
    }

    @Test("--print-config: environment over secrets directory over config file, secrets redacted")
    func printConfigPrecedence() async throws {
        let fixture = try PrecedenceFixture(secretFiles: ["KAFKA_PROPERTY_SASL_PASSWORD": Self.saslPassword])
        let output = try await BinaryProcess.run(
            ["run", "--print-config", "--config", fixture.file, "--secrets-dir", fixture.secrets],
            environment: Self.environment(["MAX_IN_FLIGHT": "7"]), inheritEnvironment: false)
        #expect(output.status == 0, "\(output.stderr)")
        let lines = Set(output.stdout.split(separator: "\n").map(String.init))
        #expect(lines.contains("KAFKA_GROUP_ID=from-file"), "file over default")
        #expect(lines.contains("BATCH_MAX_BYTES=500000"), "file where nothing else says")
        #expect(lines.contains("BATCH_MAX_ITEMS=400"), "secrets directory over file")
        #expect(lines.contains("MAX_IN_FLIGHT=7"), "environment over both")
        #expect(lines.contains("BATCH_LINGER_MS=100"), "the default")
        #expect(lines.contains("API_SECRET=<redacted>"))
        #expect(lines.contains("KAFKA_PROPERTY_SASL_PASSWORD=<redacted>"))
        let everything = output.stdout + output.stderr
        #expect(!everything.contains(Self.secret))
        #expect(!everything.contains(Self.saslPassword))
    }
}
