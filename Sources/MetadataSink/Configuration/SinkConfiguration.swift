import Logging
import Pipeline

/// Everything `metadata-sink run` is configured with, typed and validated.
///
/// Built by `SinkConfiguration.load(environment:configFile:secretsDirectory:)` (see
/// `SinkConfiguration+ConfigReader.swift` for every setting, its default and its form).
struct SinkConfiguration: Sendable {
    struct Kafka: Sendable, Equatable {
        /// `bootstrap.servers`, as given: comma-separated `host:port` entries.
        var bootstrapServers: String
        var topics: [String]
        var groupID: String
        var dlqTopic: String
        /// Extra librdkafka properties from `KAFKA_PROPERTY_<NAME>`, keyed by librdkafka name
        /// (`security.protocol`), already checked by librdkafka.
        var properties: [String: String]
    }

    struct API: Sendable, Equatable {
        /// Root of the Metadata Ingestion API, without a trailing slash.
        var baseURL: String
        var id: String
        var secret: String
        /// Extra CA bundle (PEM) to trust, e.g. for a TLS-intercepting proxy.
        var caFile: String?
    }

    var kafka: Kafka
    var api: API
    var pipeline: PipelineConfiguration
    /// Port of the health and metrics server; 0 picks a free one.
    var httpPort: Int
    var logLevel: Logger.Level
    var logFormat: LogFormat
    /// How long a SIGTERM drain may take before the process gives up on in-flight work.
    var shutdownGrace: Duration
    /// Things worth a log line that do not stop the service (an unknown `KAFKA_…` variable, a
    /// plain-http API URL). Never contains a secret value.
    var warnings: [String] = []

    /// librdkafka properties for the consumer: the pass-through properties plus
    /// `bootstrap.servers` and `group.id`. (`KafkaConsumerConfiguration` adds manual commits.)
    var consumerProperties: [String: String] {
        var properties = Self.consumerDefaults.merging(kafka.properties) { _, given in given }
        // librdkafka refuses a fetch.max.bytes below message.max.bytes: a user who raised the
        // latter for large records gets a fetch size that fits them rather than a start-up error.
        if kafka.properties["fetch.max.bytes"] == nil, let messageMax = kafka.properties["message.max.bytes"].flatMap({ Int($0) }),
           messageMax > Self.defaultFetchMaxBytes {
            properties["fetch.max.bytes"] = String(messageMax)
        }
        properties["bootstrap.servers"] = kafka.bootstrapServers
        properties["group.id"] = kafka.groupID
        return properties
    }

    /// librdkafka settings the sink chooses differently from librdkafka's defaults; a
    /// `KAFKA_PROPERTY_…` setting overrides each.
    ///
    /// - `queued.max.messages.kbytes` 8192 (librdkafka: 65536): the prefetch queue. The poll
    ///   thread hands records over only while the pipeline has room (its delivery window), so a
    ///   backlog waits here; 8 MiB keeps the fetcher ahead (bench: same throughput as 64 MiB)
    ///   and the process's peak RSS under a backlog from ~137 MiB to ~85 MiB.
    /// - `fetch.max.bytes` 1 MiB (librdkafka: 50 MiB, in effect the 8 MiB queue): the most one
    ///   Fetch response carries. The sink drains records far slower than a broker can send them,
    ///   so larger responses gain nothing; smaller ones arrive in an even stream, fit the
    ///   allocator's reused memory instead of fresh pages, and hold less at once (bench: end to
    ///   end / ceiling 0.28 → 0.34 on average over 11 alternating runs, peak RSS 87 → 76 MiB,
    ///   the mock broker's CPU halved). Raised to `message.max.bytes` when that is set higher,
    ///   since librdkafka requires it.
    /// - `auto.offset.reset` `earliest` (librdkafka: `latest`): a new group must not skip what
    ///   was produced before it first started, as Kafka Connect's sinks also choose.
    static let consumerDefaults: [String: String] = [
        "queued.max.messages.kbytes": "8192",
        "fetch.max.bytes": String(defaultFetchMaxBytes),
        "auto.offset.reset": "earliest",
    ]

    static let defaultFetchMaxBytes = 1_048_576

    /// librdkafka properties for the dead-letter producer: the pass-through properties plus
    /// `bootstrap.servers`. (`KafkaProducerConfiguration` adds idempotence and acks=all.)
    ///
    /// Consumer-only pass-through properties are kept: librdkafka ignores them in a producer with
    /// a log line, which is better than guessing each property's scope here.
    var producerProperties: [String: String] {
        var properties = kafka.properties
        properties["bootstrap.servers"] = kafka.bootstrapServers
        return properties
    }

    /// Values that must never appear in output: the API credentials and every secret-looking
    /// Kafka property. Registered with `SecretRedactor` so that even a careless log call cannot
    /// print them.
    var secretValues: [String] {
        var values = [api.id, api.secret]
        for (name, value) in kafka.properties where KafkaPropertyName.isSecret(name) {
            values.append(value)
        }
        return values.filter { !$0.isEmpty }
    }
}
