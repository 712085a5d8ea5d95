import Configuration
import Foundation
import Kafka
import Logging
import Pipeline

extension SinkConfiguration {
    /// Reads the sink's configuration from a swift-configuration `ConfigReader`.
    ///
    /// Each setting has one flat name, used as is by every source: an environment variable, a
    /// top-level key of the `--config` file (JSON or YAML), a file name in the `--secrets-dir`.
    ///
    /// - `KAFKA_BOOTSTRAP_SERVERS`, required: comma-separated `host:port` brokers.
    /// - `KAFKA_TOPICS`, required: comma-separated topics to consume (a YAML/JSON list also works
    ///   in a file).
    /// - `KAFKA_GROUP_ID`, default `metadata-sink`: the consumer group.
    /// - `KAFKA_DLQ_TOPIC`, required: the dead-letter topic; must not be one of `KAFKA_TOPICS`.
    /// - `KAFKA_PROPERTY_<NAME>`: any librdkafka property, `_` read as `.` and lower-cased
    ///   (`KAFKA_PROPERTY_SECURITY_PROTOCOL=SASL_SSL` sets `security.protocol`), checked by
    ///   librdkafka itself, whose message is reported for an unknown property or a bad value.
    ///   Properties the sink manages (`bootstrap.servers`, `group.id`, `enable.auto.commit`,
    ///   `enable.auto.offset.store`, `enable.idempotence`, `acks`) are refused.
    /// - `API_BASE_URL`, default `https://api.sandbox.asapp.com`: an `http://` or `https://` URL.
    /// - `API_ID`, `API_SECRET`, required: the API credentials; or `API_ID_FILE`, `API_SECRET_FILE`
    ///   naming a file that holds the value (trailing newline dropped). Setting both a value and
    ///   its `_FILE` is an error.
    /// - `API_CA_FILE`, optional: a PEM bundle of extra CA certificates to trust.
    /// - `BATCH_MAX_ITEMS`, 1…1000, default 1000: items per request.
    /// - `BATCH_MAX_BYTES`, 1024…16777216, default 1048576: request body size.
    /// - `BATCH_LINGER_MS`, 0…60000, default 100: how long a partial batch waits.
    /// - `MAX_IN_FLIGHT`, 1…64, default 4: concurrent API requests.
    /// - `HTTP_PORT`, 0…65535, default 8080: health and metrics port; 0 picks a free one.
    /// - `LOG_LEVEL`, `trace`…`critical`, default `info`.
    /// - `LOG_FORMAT`, `json` or `text`, default `json`.
    /// - `SHUTDOWN_GRACE_SECONDS`, 1…3600, default 20: drain time on SIGTERM.
    ///
    /// Empty values count as unset. All problems are collected and thrown together.
    ///
    /// - Parameter kafkaPropertyKeys: the `KAFKA_PROPERTY_…` names present in any source. A
    ///   `ConfigReader` can only look keys up, not list them, so the caller finds these names
    ///   (see `ConfigurationSources`); their values are still read through `reader`, so the same
    ///   precedence applies to them as to every other setting.
    /// - Parameter needs: which of the required settings the command needs (see `Needs`); one it
    ///   does not need may be unset (its value is then empty), but is still checked when set.
    init(reader: ConfigReader, kafkaPropertyKeys: some Sequence<String>, needs: Needs = .all) throws(ConfigurationError) {
        var parser = SettingParser(reader: reader)
        var warnings: [String] = []

        // MARK: Kafka
        let bootstrapServers = parser.required(
            .kafkaBootstrapServers,
            expected: "a comma-separated list of brokers (host:port), e.g. kafka-1:9092,kafka-2:9092"
        ).flatMap { servers -> String? in
            let entries = servers.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard entries.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) }) else {
                parser.report(.kafkaBootstrapServers, "KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of brokers (host:port) without empty entries, got \(parser.quoted(servers))")
                return nil
            }
            return entries.joined(separator: ",")
        }

        let topicsExpected = "a comma-separated list of topic names (letters, digits, '.', '_', '-'; at most 249 characters each)"
        let topicsText = needs.contains(.topics) ? parser.required(.kafkaTopics, expected: topicsExpected) : parser.text(.kafkaTopics)
        let topics = topicsText.flatMap { text -> [String]? in
            let entries = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard entries.allSatisfy(Self.isValidTopicName) else {
                parser.report(.kafkaTopics, "KAFKA_TOPICS must be \(topicsExpected), got \(parser.quoted(text))")
                return nil
            }
            var seen = Set<String>()
            return entries.filter { seen.insert($0).inserted }
        }

        let groupID = parser.text(.kafkaGroupID) ?? "metadata-sink"

        let dlqTopicText = needs.contains(.deadLetterTopic)
            ? parser.required(.kafkaDLQTopic, expected: "the name of the dead-letter topic") : parser.text(.kafkaDLQTopic)
        let dlqTopic = dlqTopicText.flatMap { topic -> String? in
            guard Self.isValidTopicName(topic) else {
                parser.report(.kafkaDLQTopic, "KAFKA_DLQ_TOPIC must be a topic name (letters, digits, '.', '_', '-'; at most 249 characters), got \(parser.quoted(topic))")
                return nil
            }
            if let topics, topics.contains(topic) {
                parser.report(.kafkaDLQTopic, "KAFKA_DLQ_TOPIC must not be one of KAFKA_TOPICS, got \(parser.quoted(topic)): the sink would consume its own dead letters")
                return nil
            }
            return topic
        }

        let properties = Self.kafkaProperties(keys: kafkaPropertyKeys, parser: &parser)

        // MARK: API
        let baseURL = Self.apiBaseURL(parser: &parser, warnings: &warnings)
        let apiID = Self.credential(
            .apiID, fileKey: .apiIDFile, what: "the API id (header asapp-api-id)", required: needs.contains(.api), parser: &parser)
        let apiSecret = Self.credential(
            .apiSecret, fileKey: .apiSecretFile, what: "the API secret (header asapp-api-secret)", required: needs.contains(.api), parser: &parser)
        let caFile = Self.caFile(parser: &parser)

        // MARK: Pipeline, server, logs, lifecycle
        let batchMaxItems = parser.integer(.batchMaxItems, default: 1000, range: 1...1000, unit: "items per request")
        let batchMaxBytes = parser.integer(.batchMaxBytes, default: 1_048_576, range: 1024...16_777_216, unit: "bytes")
        let lingerMilliseconds = parser.integer(.batchLingerMilliseconds, default: 100, range: 0...60_000, unit: "milliseconds")
        let maxInFlight = parser.integer(.maxInFlight, default: 4, range: 1...64, unit: "requests")
        let httpPort = parser.integer(.httpPort, default: 8080, range: 0...65_535, unit: "0 picks a free port")
        let logLevel = parser.choice(.logLevel, default: Logger.Level.info, choices: Logger.Level.allCases.map { ($0.rawValue, $0) })
        let logFormat = parser.choice(.logFormat, default: LogFormat.json, choices: LogFormat.allCases.map { ($0.rawValue, $0) })
        let graceSeconds = parser.integer(.shutdownGraceSeconds, default: 20, range: 1...3600, unit: "seconds")

        guard parser.problems.isEmpty,
              let bootstrapServers, let baseURL,
              let topics = topics ?? (needs.contains(.topics) ? nil : []),
              let dlqTopic = dlqTopic ?? (needs.contains(.deadLetterTopic) ? nil : ""),
              let apiID = apiID ?? (needs.contains(.api) ? nil : ""),
              let apiSecret = apiSecret ?? (needs.contains(.api) ? nil : ""),
              let batchMaxItems, let batchMaxBytes, let lingerMilliseconds, let maxInFlight,
              let httpPort, let logLevel, let logFormat, let graceSeconds
        else {
            throw ConfigurationError(problems: parser.problems)
        }

        self.init(
            kafka: Kafka(bootstrapServers: bootstrapServers, topics: topics, groupID: groupID, dlqTopic: dlqTopic, properties: properties),
            api: API(baseURL: baseURL, id: apiID, secret: apiSecret, caFile: caFile),
            pipeline: PipelineConfiguration(
                batchMaxItems: batchMaxItems,
                batchMaxBytes: batchMaxBytes,
                linger: .milliseconds(lingerMilliseconds),
                maxInFlight: maxInFlight
            ),
            httpPort: httpPort,
            logLevel: logLevel,
            logFormat: logFormat,
            shutdownGrace: .seconds(graceSeconds),
            warnings: warnings
        )
    }

    /// Kafka's rule for topic names: 1 to 249 of `[a-zA-Z0-9._-]`, and not `.` or `..`.
    static func isValidTopicName(_ name: String) -> Bool {
        guard (1...249).contains(name.utf8.count), name != ".", name != ".." else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// `KAFKA_PROPERTY_<NAME>` settings, each checked on its own by librdkafka so that every bad
    /// one is reported (librdkafka stops at the first error of a batch).
    private static func kafkaProperties(keys: some Sequence<String>, parser: inout SettingParser) -> [String: String] {
        var properties: [String: String] = [:]
        for key in Set(keys).sorted() {
            guard let name = KafkaPropertyName.librdkafkaName(forKey: key), KafkaPropertyName.isCanonicalKey(key) else {
                let hint = KafkaPropertyName.librdkafkaName(forKey: key).map { " (here: \(KafkaPropertyName.key(forLibrdkafkaName: $0)))" } ?? ""
                parser.report(key, "\(key) must be KAFKA_PROPERTY_ followed by a librdkafka property name in upper case with '_' for '.', e.g. KAFKA_PROPERTY_SECURITY_PROTOCOL\(hint)")
                continue
            }
            if let reason = KafkaPropertyName.managedReason(name) {
                parser.report(key, "\(key) (librdkafka property \"\(name)\") \(reason)")
                continue
            }
            let isSecret = KafkaPropertyName.isSecret(name)
            guard let value = parser.text(key, isSecret: isSecret) else { continue }
            do {
                try KafkaConfigurationCheck.validate([name: value])
                properties[name] = value
            } catch {
                // librdkafka may quote the value back ("Invalid value "x" for …"); never a secret one.
                let message = isSecret ? error.message.replacing(value, with: SecretRedactor.placeholder) : error.message
                parser.report(key, "\(key) (librdkafka property \"\(name)\"): \(message)")
            }
        }
        return properties
    }

    private static func apiBaseURL(parser: inout SettingParser, warnings: inout [String]) -> String? {
        let text = parser.text(.apiBaseURL) ?? "https://api.sandbox.asapp.com"
        let expected = "API_BASE_URL must be an http:// or https:// URL without query or fragment, e.g. https://api.sandbox.asapp.com"
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil,
              components.user == nil, components.password == nil
        else {
            parser.report(.apiBaseURL, "\(expected), got \(parser.quoted(Self.withoutPassword(text)))")
            return nil
        }
        if scheme == "http", !["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) {
            warnings.append("API_BASE_URL uses plain http: the API credentials cross the network unencrypted")
        }
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// `text` with any password in its user-info replaced, for quoting a refused URL back: the
    /// URL is not a secret setting, but `https://user:password@host` puts one in it.
    private static func withoutPassword(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "redacted"
        return components.string ?? SecretRedactor.placeholder
    }

    /// A credential given directly (`API_SECRET`) or as a file path (`API_SECRET_FILE`).
    private static func credential(
        _ key: SinkConfigurationKey,
        fileKey: SinkConfigurationKey,
        what: String,
        required: Bool = true,
        parser: inout SettingParser
    ) -> String? {
        let direct = parser.text(key)
        let path = parser.text(fileKey)
        switch (direct, path) {
        case (.some, .some):
            parser.report(key, "\(key.name) and \(fileKey.name) are both set: set only one")
            return nil
        case (.some(let value), nil):
            return value
        case (nil, .some(let path)):
            switch SettingFile.text(atPath: path) {
            case .success(let value) where !value.isEmpty:
                return value
            case .success:
                parser.report(fileKey, "\(fileKey.name) must name a file holding \(what), but \(parser.quoted(path)) is empty")
            case .failure(let error):
                parser.report(fileKey, "\(fileKey.name) must name a readable file holding \(what), got \(parser.quoted(path)): \(error)")
            }
            return nil
        case (nil, nil):
            if required {
                parser.report(key, "\(key.name) is required: \(what), or \(fileKey.name) naming a file that holds it")
            }
            return nil
        }
    }

    private static func caFile(parser: inout SettingParser) -> String? {
        guard let path = parser.text(.apiCAFile) else { return nil }
        switch SettingFile.contents(atPath: path) {
        case .success(let bytes):
            // A cheap check that turns "curl: error setting certificate file" at the first request
            // into a start-up error naming the setting.
            guard String(decoding: bytes, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
                parser.report(.apiCAFile, "API_CA_FILE must name a PEM file of CA certificates, but \(parser.quoted(path)) has no BEGIN CERTIFICATE block")
                return nil
            }
            return path
        case .failure(let error):
            parser.report(.apiCAFile, "API_CA_FILE must name a readable PEM file of CA certificates, got \(parser.quoted(path)): \(error)")
            return nil
        }
    }
}
