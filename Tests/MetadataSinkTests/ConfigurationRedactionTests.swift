import Testing
@testable import MetadataSink

@Suite("Configuration: the printed configuration never shows a secret")
struct ConfigurationRedactionTests {
    static let saslPassword = "sasl-pa55word-31d"
    static let keyPassword = "ssl-key-passphrase-77b"

    func configuration() async throws -> SinkConfiguration {
        try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "KAFKA_PROPERTY_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_PROPERTY_SASL_MECHANISM": "PLAIN",
            "KAFKA_PROPERTY_SASL_USERNAME": "sink-user",
            "KAFKA_PROPERTY_SASL_PASSWORD": Self.saslPassword,
            "KAFKA_PROPERTY_SSL_KEY_PASSWORD": Self.keyPassword,
        ]))
    }

    @Test("redactedDescription lists every setting under its name, credentials as <redacted>")
    func redactedDescription() async throws {
        let text = try await configuration().redactedDescription()
        for secret in [TestEnvironment.apiID, TestEnvironment.apiSecret, Self.saslPassword, Self.keyPassword] {
            #expect(!text.contains(secret))
        }
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.isSuperset(of: [
            "KAFKA_BOOTSTRAP_SERVERS=localhost:9092",
            "KAFKA_TOPICS=customer-events",
            "KAFKA_GROUP_ID=metadata-sink",
            "KAFKA_DLQ_TOPIC=customer-events.dlq",
            "KAFKA_PROPERTY_SECURITY_PROTOCOL=SASL_SSL",
            "KAFKA_PROPERTY_SASL_USERNAME=sink-user",
            "KAFKA_PROPERTY_SASL_PASSWORD=<redacted>",
            "KAFKA_PROPERTY_SSL_KEY_PASSWORD=<redacted>",
            "API_BASE_URL=https://api.sandbox.asapp.com",
            "API_ID=<redacted>",
            "API_SECRET=<redacted>",
            "API_CA_FILE=",
            "BATCH_MAX_ITEMS=1000",
            "BATCH_MAX_BYTES=1048576",
            "BATCH_LINGER_MS=100",
            "MAX_IN_FLIGHT=4",
            "HTTP_PORT=8080",
            "LOG_LEVEL=info",
            "LOG_FORMAT=json",
            "SHUTDOWN_GRACE_SECONDS=20",
        ]))
    }

    @Test("a secret repeated in another setting is redacted there too")
    func secretInAnotherSetting() async throws {
        let configuration = try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "KAFKA_GROUP_ID": "group-\(TestEnvironment.apiSecret)",
        ]))
        let text = configuration.redactedDescription()
        #expect(!text.contains(TestEnvironment.apiSecret))
        #expect(text.contains("KAFKA_GROUP_ID=group-<redacted>"))
    }

    @Test("secretValues holds the credentials and secret Kafka properties, for the log redactor")
    func secretValues() async throws {
        let values = Set(try await configuration().secretValues)
        #expect(values == [TestEnvironment.apiID, TestEnvironment.apiSecret, Self.saslPassword, Self.keyPassword])
    }
}
