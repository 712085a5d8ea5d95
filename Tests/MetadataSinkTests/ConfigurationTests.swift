import Foundation
import Logging
import Testing
@testable import MetadataSink

@Suite("Configuration: sources, defaults and precedence")
struct ConfigurationTests {
    @Test("the required settings alone give the documented defaults")
    func defaults() async throws {
        let configuration = try await SinkConfiguration.load(environment: TestEnvironment.minimal)
        #expect(configuration.kafka == .init(
            bootstrapServers: "localhost:9092",
            topics: ["customer-events"],
            groupID: "metadata-sink",
            dlqTopic: "customer-events.dlq",
            properties: [:]
        ))
        #expect(configuration.api == .init(
            baseURL: "https://api.sandbox.asapp.com",
            id: TestEnvironment.apiID,
            secret: TestEnvironment.apiSecret,
            caFile: nil
        ))
        #expect(configuration.pipeline.batchMaxItems == 1000)
        #expect(configuration.pipeline.batchMaxBytes == 1_048_576)
        #expect(configuration.pipeline.linger == .milliseconds(100))
        #expect(configuration.pipeline.maxInFlight == 4)
        #expect(configuration.httpPort == 8080)
        #expect(configuration.logLevel == .info)
        #expect(configuration.logFormat == .json)
        #expect(configuration.shutdownGrace == .seconds(20))
        #expect(configuration.warnings.isEmpty)
    }

    @Test("every setting is read from the environment, typed")
    func everySettingFromEnvironment() async throws {
        let directory = try TemporaryDirectory()
        let caFile = try directory.write("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        let configuration = try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "KAFKA_BOOTSTRAP_SERVERS": "k1:9092, k2:9092",
            "KAFKA_TOPICS": "a, b,a",
            "KAFKA_GROUP_ID": "group-7",
            "KAFKA_DLQ_TOPIC": "a.dlq",
            "API_BASE_URL": "https://api.example.com/",
            "API_CA_FILE": caFile,
            "BATCH_MAX_ITEMS": "250",
            "BATCH_MAX_BYTES": "65536",
            "BATCH_LINGER_MS": "0",
            "MAX_IN_FLIGHT": "8",
            "HTTP_PORT": "0",
            "LOG_LEVEL": "DEBUG",
            "LOG_FORMAT": "text",
            "SHUTDOWN_GRACE_SECONDS": "45",
        ]))
        #expect(configuration.kafka.bootstrapServers == "k1:9092,k2:9092")
        #expect(configuration.kafka.topics == ["a", "b"])
        #expect(configuration.kafka.groupID == "group-7")
        #expect(configuration.kafka.dlqTopic == "a.dlq")
        #expect(configuration.api.baseURL == "https://api.example.com")
        #expect(configuration.api.caFile == caFile)
        #expect(configuration.pipeline.batchMaxItems == 250)
        #expect(configuration.pipeline.batchMaxBytes == 65536)
        #expect(configuration.pipeline.linger == .zero)
        #expect(configuration.pipeline.maxInFlight == 8)
        #expect(configuration.httpPort == 0)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFormat == .text)
        #expect(configuration.shutdownGrace == .seconds(45))
    }

    @Test("an empty variable counts as unset")
    func emptyVariableIsUnset() async throws {
        let configuration = try await SinkConfiguration.load(environment: TestEnvironment.minimal(["KAFKA_GROUP_ID": "", "BATCH_MAX_ITEMS": ""]))
        #expect(configuration.kafka.groupID == "metadata-sink")
        #expect(configuration.pipeline.batchMaxItems == 1000)
    }

    @Test("librdkafka properties for the consumer and the producer")
    func clientProperties() async throws {
        let configuration = try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "KAFKA_GROUP_ID": "g1",
            "KAFKA_PROPERTY_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_PROPERTY_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_PROPERTY_AUTO_OFFSET_RESET": "earliest",
        ]))
        #expect(configuration.kafka.properties == [
            "security.protocol": "SASL_SSL",
            "sasl.mechanism": "SCRAM-SHA-512",
            "auto.offset.reset": "earliest",
        ])
        #expect(configuration.consumerProperties["bootstrap.servers"] == "localhost:9092")
        #expect(configuration.consumerProperties["group.id"] == "g1")
        #expect(configuration.consumerProperties["security.protocol"] == "SASL_SSL")
        #expect(configuration.producerProperties["bootstrap.servers"] == "localhost:9092")
        #expect(configuration.producerProperties["group.id"] == nil)
        #expect(configuration.producerProperties["sasl.mechanism"] == "SCRAM-SHA-512")
    }

    @Test("a new group starts at the earliest offset unless auto.offset.reset is set")
    func offsetResetDefault() async throws {
        let defaulted = try await SinkConfiguration.load(environment: TestEnvironment.minimal([:]))
        #expect(defaulted.consumerProperties["auto.offset.reset"] == "earliest")
        #expect(defaulted.kafka.properties["auto.offset.reset"] == nil)
        let chosen = try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "KAFKA_PROPERTY_AUTO_OFFSET_RESET": "latest",
        ]))
        #expect(chosen.consumerProperties["auto.offset.reset"] == "latest")
    }

    @Test("KAFKA_PROPERTY_<NAME> maps to the librdkafka name and back")
    func propertyNameMapping() {
        #expect(KafkaPropertyName.librdkafkaName(forKey: "KAFKA_PROPERTY_SECURITY_PROTOCOL") == "security.protocol")
        #expect(KafkaPropertyName.librdkafkaName(forKey: "KAFKA_PROPERTY_SASL_OAUTHBEARER_CLIENT_SECRET") == "sasl.oauthbearer.client.secret")
        #expect(KafkaPropertyName.librdkafkaName(forKey: "KAFKA_PROPERTY_") == nil)
        #expect(KafkaPropertyName.librdkafkaName(forKey: "KAFKA_TOPICS") == nil)
        #expect(KafkaPropertyName.key(forLibrdkafkaName: "ssl.key.password") == "KAFKA_PROPERTY_SSL_KEY_PASSWORD")
        #expect(KafkaPropertyName.isSecret("sasl.password"))
        #expect(KafkaPropertyName.isSecret("ssl.key.password"))
        #expect(KafkaPropertyName.isSecret("sasl.oauthbearer.client.secret"))
        #expect(KafkaPropertyName.isSecret("ssl.key.pem"))
        #expect(!KafkaPropertyName.isSecret("security.protocol"))
        #expect(!KafkaPropertyName.isSecret("sasl.username"))
    }

    @Test("precedence: environment over secrets directory over config file over defaults")
    func precedence() async throws {
        let fixture = try PrecedenceFixture()
        let (file, secrets) = (fixture.file, fixture.secrets)
        let environment = TestEnvironment.minimal(["MAX_IN_FLIGHT": "7"])

        let fileOnly = try await SinkConfiguration.load(environment: TestEnvironment.minimal, configFile: file)
        #expect(fileOnly.pipeline.batchMaxItems == 500)
        #expect(fileOnly.pipeline.maxInFlight == 5)
        #expect(fileOnly.kafka.groupID == "from-file")
        #expect(fileOnly.pipeline.linger == .milliseconds(100), "unset everywhere: the default")

        let fileAndSecrets = try await SinkConfiguration.load(environment: TestEnvironment.minimal, configFile: file, secretsDirectory: secrets)
        #expect(fileAndSecrets.pipeline.batchMaxItems == 400, "secrets directory over file")
        #expect(fileAndSecrets.pipeline.batchMaxBytes == 500_000, "file where the directory says nothing")

        let all = try await SinkConfiguration.load(environment: environment, configFile: file, secretsDirectory: secrets)
        #expect(all.pipeline.maxInFlight == 7, "environment over both")
        #expect(all.pipeline.batchMaxItems == 400)
        #expect(all.kafka.groupID == "from-file")
    }

    @Test("a secrets directory mounted the Kubernetes way (symbolic links into ..data) is read")
    func kubernetesSecretVolume() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("secret/..2025_01_01_00_00_00.000000000/API_ID", "id-from-volume\n")
        try directory.write("secret/..2025_01_01_00_00_00.000000000/API_SECRET", "secret-from-volume\n")
        try directory.write("secret/..2025_01_01_00_00_00.000000000/KAFKA_PROPERTY_SASL_PASSWORD", "sasl-from-volume\n")
        try directory.symlink("secret/..data", to: "..2025_01_01_00_00_00.000000000")
        try directory.symlink("secret/API_ID", to: "..data/API_ID")
        try directory.symlink("secret/API_SECRET", to: "..data/API_SECRET")
        try directory.symlink("secret/KAFKA_PROPERTY_SASL_PASSWORD", to: "..data/KAFKA_PROPERTY_SASL_PASSWORD")

        let configuration = try await SinkConfiguration.load(
            environment: TestEnvironment.minimal(["API_ID": nil, "API_SECRET": nil]),
            secretsDirectory: directory.path + "/secret"
        )
        #expect(configuration.api.id == "id-from-volume")
        #expect(configuration.api.secret == "secret-from-volume")
        #expect(configuration.kafka.properties["sasl.password"] == "sasl-from-volume")
        #expect(configuration.warnings.isEmpty, "hidden entries are not settings: \(configuration.warnings)")

        let overridden = try await SinkConfiguration.load(environment: TestEnvironment.minimal, secretsDirectory: directory.path + "/secret")
        #expect(overridden.api.secret == TestEnvironment.apiSecret, "the environment wins over the volume")
    }

    @Test("a JSON config file may hold numbers and lists, and Kafka properties")
    func jsonFile() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("sink.json", """
            {"KAFKA_TOPICS": ["a", "b"], "BATCH_MAX_ITEMS": 250, "BATCH_LINGER_MS": 20,
             "KAFKA_PROPERTY_SECURITY_PROTOCOL": "SSL", "LOG_FORMAT": "text"}
            """)
        let configuration = try await SinkConfiguration.load(
            environment: TestEnvironment.minimal(["KAFKA_TOPICS": nil, "KAFKA_DLQ_TOPIC": "dlq"]),
            configFile: file
        )
        #expect(configuration.kafka.topics == ["a", "b"])
        #expect(configuration.pipeline.batchMaxItems == 250)
        #expect(configuration.pipeline.linger == .milliseconds(20))
        #expect(configuration.kafka.properties == ["security.protocol": "SSL"])
        #expect(configuration.logFormat == .text)
    }

    @Test("a YAML config file may give topics as a list or as comma-separated text")
    func yamlTopics() async throws {
        let directory = try TemporaryDirectory()
        let list = try directory.write("list.yml", "KAFKA_TOPICS:\n  - a\n  - b\nKAFKA_DLQ_TOPIC: c\n")
        let text = try directory.write("text.yaml", "KAFKA_TOPICS: a,b\nKAFKA_DLQ_TOPIC: c\n")
        let environment = TestEnvironment.minimal(["KAFKA_TOPICS": nil, "KAFKA_DLQ_TOPIC": nil])
        #expect(try await SinkConfiguration.load(environment: environment, configFile: list).kafka.topics == ["a", "b"])
        #expect(try await SinkConfiguration.load(environment: environment, configFile: text).kafka.topics == ["a", "b"])
    }

    @Test("API_SECRET_FILE and API_ID_FILE name files whose content, without the final newline, is the value")
    func credentialFiles() async throws {
        let directory = try TemporaryDirectory()
        let idFile = try directory.write("id", "id-from-file\n")
        let secretFile = try directory.write("secret", "secret from file \r\n")
        let configuration = try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "API_ID": nil, "API_SECRET": nil, "API_ID_FILE": idFile, "API_SECRET_FILE": secretFile,
        ]))
        #expect(configuration.api.id == "id-from-file")
        #expect(configuration.api.secret == "secret from file ")
    }

    @Test("an unknown variable in the sink's namespaces is a warning, a plain-http API URL too")
    func warnings() async throws {
        let configuration = try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "KAFKA_TOPIC": "typo", "API_BASE_URL": "http://emulator:8081", "HOME": "/root",
        ]))
        #expect(configuration.warnings.contains { $0.contains("KAFKA_TOPIC ") })
        #expect(configuration.warnings.contains { $0.contains("API_BASE_URL uses plain http") })
        #expect(!configuration.warnings.contains { $0.contains("HOME") })

        let loopback = try await SinkConfiguration.load(environment: TestEnvironment.minimal(["API_BASE_URL": "http://127.0.0.1:8081"]))
        #expect(loopback.warnings.isEmpty)
    }

    @Test("LOG_LEVEL and LOG_FORMAT alone, for dev-broker and emulator")
    func logSettings() throws {
        #expect(try LogSettings.fromEnvironment([:]) == LogSettings(level: .info, format: .json))
        #expect(try LogSettings.fromEnvironment(["LOG_LEVEL": "trace", "LOG_FORMAT": "text"]) == LogSettings(level: .trace, format: .text))
        #expect(throws: ConfigurationError.self) { try LogSettings.fromEnvironment(["LOG_FORMAT": "xml"]) }
    }
}

@Suite("Configuration: command-line options")
struct ConfigurationOptionsTests {
    @Test("--config and --secrets-dir locate the sources")
    func options() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("sink.yaml", "BATCH_MAX_ITEMS: 10\n")
        try directory.write("secrets/API_SECRET", "from-dir\n")
        let options = try ConfigurationOptions.parse(["--config", file, "--secrets-dir", directory.path + "/secrets"])
        let configuration = try await options.load(environment: TestEnvironment.minimal(["API_SECRET": nil]))
        #expect(configuration.pipeline.batchMaxItems == 10)
        #expect(configuration.api.secret == "from-dir")

        let none = try ConfigurationOptions.parse([])
        #expect(none.configFile == nil && none.secretsDirectory == nil)
    }
}
