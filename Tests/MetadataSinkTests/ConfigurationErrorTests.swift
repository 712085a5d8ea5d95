import Foundation
import Testing
@testable import MetadataSink

/// One bad or missing setting and what its error must say.
struct ConfigurationErrorCase: Sendable, CustomTestStringConvertible {
    var changes: [String: String?]
    var key: String
    var fragment: String

    var testDescription: String { "\(key): \(fragment)" }
}

@Suite("Configuration: errors name the setting and the form expected")
struct ConfigurationErrorTests {
    static let cases: [ConfigurationErrorCase] = [
        .init(changes: ["KAFKA_BOOTSTRAP_SERVERS": nil], key: "KAFKA_BOOTSTRAP_SERVERS", fragment: "KAFKA_BOOTSTRAP_SERVERS is required: a comma-separated list of brokers"),
        .init(changes: ["KAFKA_BOOTSTRAP_SERVERS": "k1:9092,,k2:9092"], key: "KAFKA_BOOTSTRAP_SERVERS", fragment: "without empty entries, got \"k1:9092,,k2:9092\""),
        .init(changes: ["KAFKA_TOPICS": nil], key: "KAFKA_TOPICS", fragment: "KAFKA_TOPICS is required: a comma-separated list of topic names"),
        .init(changes: ["KAFKA_TOPICS": "good,not good"], key: "KAFKA_TOPICS", fragment: "KAFKA_TOPICS must be a comma-separated list of topic names"),
        .init(changes: ["KAFKA_DLQ_TOPIC": nil], key: "KAFKA_DLQ_TOPIC", fragment: "KAFKA_DLQ_TOPIC is required"),
        .init(changes: ["KAFKA_DLQ_TOPIC": "customer-events"], key: "KAFKA_DLQ_TOPIC", fragment: "must not be one of KAFKA_TOPICS"),
        .init(changes: ["KAFKA_DLQ_TOPIC": "a/b"], key: "KAFKA_DLQ_TOPIC", fragment: "KAFKA_DLQ_TOPIC must be a topic name"),
        .init(changes: ["KAFKA_PROPERTY_NO_SUCH_THING": "1"], key: "KAFKA_PROPERTY_NO_SUCH_THING", fragment: "No such configuration property: \"no.such.thing\""),
        .init(changes: ["KAFKA_PROPERTY_SECURITY_PROTOCOL": "carrier-pigeon"], key: "KAFKA_PROPERTY_SECURITY_PROTOCOL", fragment: "Invalid value \"carrier-pigeon\" for configuration property \"security.protocol\""),
        .init(changes: ["KAFKA_PROPERTY_ENABLE_AUTO_COMMIT": "true"], key: "KAFKA_PROPERTY_ENABLE_AUTO_COMMIT", fragment: "is managed by the sink"),
        .init(changes: ["KAFKA_PROPERTY_GROUP_ID": "g"], key: "KAFKA_PROPERTY_GROUP_ID", fragment: "is set with KAFKA_GROUP_ID"),
        .init(changes: ["KAFKA_PROPERTY_": "x"], key: "KAFKA_PROPERTY_", fragment: "must be KAFKA_PROPERTY_ followed by a librdkafka property name"),
        .init(changes: ["API_BASE_URL": "ftp://api.example.com"], key: "API_BASE_URL", fragment: "API_BASE_URL must be an http:// or https:// URL"),
        .init(changes: ["API_BASE_URL": "https://api.example.com/?debug=1"], key: "API_BASE_URL", fragment: "without query or fragment"),
        .init(changes: ["API_BASE_URL": "https://user:hunter2@api.example.com"], key: "API_BASE_URL", fragment: "got \"https://user:redacted@api.example.com\""),
        .init(changes: ["API_ID": nil], key: "API_ID", fragment: "API_ID is required: the API id (header asapp-api-id), or API_ID_FILE"),
        .init(changes: ["API_SECRET": nil], key: "API_SECRET", fragment: "API_SECRET is required: the API secret (header asapp-api-secret), or API_SECRET_FILE"),
        .init(changes: ["API_SECRET_FILE": "/run/secrets/api"], key: "API_SECRET", fragment: "API_SECRET and API_SECRET_FILE are both set"),
        .init(changes: ["API_SECRET": nil, "API_SECRET_FILE": "/nonexistent/api-secret"], key: "API_SECRET_FILE", fragment: "got \"/nonexistent/api-secret\": No such file or directory"),
        .init(changes: ["API_ID": nil, "API_ID_FILE": "/"], key: "API_ID_FILE", fragment: "not a regular file"),
        .init(changes: ["API_CA_FILE": "/nonexistent/ca.pem"], key: "API_CA_FILE", fragment: "API_CA_FILE must name a readable PEM file"),
        .init(changes: ["BATCH_MAX_ITEMS": "abc"], key: "BATCH_MAX_ITEMS", fragment: "BATCH_MAX_ITEMS must be an integer from 1 to 1000 (items per request), got \"abc\""),
        .init(changes: ["BATCH_MAX_ITEMS": "1001"], key: "BATCH_MAX_ITEMS", fragment: "got \"1001\""),
        .init(changes: ["BATCH_MAX_ITEMS": "0"], key: "BATCH_MAX_ITEMS", fragment: "got \"0\""),
        .init(changes: ["BATCH_MAX_BYTES": "100"], key: "BATCH_MAX_BYTES", fragment: "BATCH_MAX_BYTES must be an integer from 1024 to 16777216 (bytes)"),
        .init(changes: ["BATCH_LINGER_MS": "-1"], key: "BATCH_LINGER_MS", fragment: "BATCH_LINGER_MS must be an integer from 0 to 60000 (milliseconds)"),
        .init(changes: ["MAX_IN_FLIGHT": "0"], key: "MAX_IN_FLIGHT", fragment: "MAX_IN_FLIGHT must be an integer from 1 to 64"),
        .init(changes: ["HTTP_PORT": "70000"], key: "HTTP_PORT", fragment: "HTTP_PORT must be an integer from 0 to 65535"),
        .init(changes: ["LOG_LEVEL": "loud"], key: "LOG_LEVEL", fragment: "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical; got \"loud\""),
        .init(changes: ["LOG_FORMAT": "xml"], key: "LOG_FORMAT", fragment: "LOG_FORMAT must be one of json, text; got \"xml\""),
        .init(changes: ["SHUTDOWN_GRACE_SECONDS": "1.5"], key: "SHUTDOWN_GRACE_SECONDS", fragment: "SHUTDOWN_GRACE_SECONDS must be an integer from 1 to 3600 (seconds), got \"1.5\""),
    ]

    @Test("each bad or missing setting is reported alone, naming its key", arguments: cases)
    func namesTheKey(_ errorCase: ConfigurationErrorCase) async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await SinkConfiguration.load(environment: TestEnvironment.minimal(errorCase.changes))
        }
        #expect(error.keys == [errorCase.key])
        let message = try #require(error.problems.first?.message)
        #expect(message.hasPrefix(errorCase.key), "\(message)")
        #expect(message.contains(errorCase.fragment), "\(message)")
        #expect(!error.description.contains(TestEnvironment.apiSecret))
        #expect(!error.description.contains(TestEnvironment.apiID))
    }

    @Test("all problems are reported at once, in the order of the settings")
    func collectsAll() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await SinkConfiguration.load(environment: TestEnvironment.minimal([
                "KAFKA_TOPICS": nil,
                "KAFKA_PROPERTY_NO_SUCH_THING": "1",
                "KAFKA_PROPERTY_OTHER_MISSING": "2",
                "API_SECRET": nil,
                "BATCH_MAX_ITEMS": "abc",
                "LOG_LEVEL": "loud",
            ]))
        }
        #expect(error.keys == [
            "KAFKA_TOPICS", "KAFKA_PROPERTY_NO_SUCH_THING", "KAFKA_PROPERTY_OTHER_MISSING",
            "API_SECRET", "BATCH_MAX_ITEMS", "LOG_LEVEL",
        ])
        #expect(error.description.hasPrefix("invalid configuration (6 problems):"))
    }

    @Test("a configuration error exits with EX_CONFIG")
    func exitCode() {
        #expect(ConfigurationError.exitCode == 78)
        #expect(ConfigurationError(key: "K", message: "K is bad").reportedExitCode().rawValue == 78)
    }

    @Test("the config file must exist, be JSON or YAML, and hold only known, flat settings")
    func configFileProblems() async throws {
        let directory = try TemporaryDirectory()
        let missing = try await #require(throws: ConfigurationError.self) {
            try await SinkConfiguration.load(environment: TestEnvironment.minimal, configFile: directory.path + "/absent.yaml")
        }
        #expect(missing.keys == ["--config"])

        let toml = try directory.write("sink.toml", "KAFKA_TOPICS = \"a\"\n")
        let wrongKind = try await #require(throws: ConfigurationError.self) {
            try await SinkConfiguration.load(environment: TestEnvironment.minimal, configFile: toml)
        }
        #expect(wrongKind.keys == ["--config"])
        #expect(wrongKind.problems[0].message.contains(".json, .yaml or .yml"))

        let yaml = try directory.write("sink.yaml", """
            KAFKA_TOPIC: typo
            kafka:
              topics: nested
            KAFKA_PROPERTY_security.protocol: SSL
            BATCH_MAX_ITEMS: many
            """)
        let unknown = try await #require(throws: ConfigurationError.self) {
            try await SinkConfiguration.load(environment: TestEnvironment.minimal, configFile: yaml)
        }
        #expect(Set(unknown.keys) == ["KAFKA_TOPIC", "kafka.topics", "KAFKA_PROPERTY_security.protocol", "BATCH_MAX_ITEMS"])
        #expect(unknown.problems.first { $0.key == "KAFKA_PROPERTY_security.protocol" }?.message.contains("KAFKA_PROPERTY_SECURITY_PROTOCOL") == true)

        let broken = try directory.write("broken.json", "{\"KAFKA_TOPICS\": ")
        let unparsable = try await #require(throws: ConfigurationError.self) {
            try await SinkConfiguration.load(environment: TestEnvironment.minimal, configFile: broken)
        }
        #expect(unparsable.keys == ["--config"])
    }

    @Test("the secrets directory must exist")
    func secretsDirectoryProblems() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await SinkConfiguration.load(environment: TestEnvironment.minimal, secretsDirectory: "/nonexistent/secrets")
        }
        #expect(error.keys == ["--secrets-dir"])
        #expect(error.problems[0].message.contains("no such directory"))
    }

    @Test("a YAML parse error does not quote the offending line, which may hold a secret")
    func yamlErrorDoesNotQuoteContent() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("sink.yaml", "API_SECRET: hunter2-secret: oops\n")
        let error = try await #require(throws: ConfigurationError.self) {
            try await SinkConfiguration.load(environment: TestEnvironment.minimal, configFile: file)
        }
        #expect(error.keys == ["--config"])
        #expect(!error.description.contains("hunter2"), "\(error)")
    }
}
