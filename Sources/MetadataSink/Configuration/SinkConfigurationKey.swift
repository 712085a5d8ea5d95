/// The names of every setting, exactly as they appear in the environment, in a `--config` file
/// and as file names in a `--secrets-dir`: one flat name per setting in every source, so that a
/// Kubernetes Secret mounted as a directory (file `API_SECRET`) or loaded with `envFrom` (variable
/// `API_SECRET`) needs no translation.
///
/// These names are a contract with deployments (Helm chart, compose file); never rename one.
enum SinkConfigurationKey: String, CaseIterable, Sendable {
    case kafkaBootstrapServers = "KAFKA_BOOTSTRAP_SERVERS"
    case kafkaTopics = "KAFKA_TOPICS"
    case kafkaGroupID = "KAFKA_GROUP_ID"
    case kafkaDLQTopic = "KAFKA_DLQ_TOPIC"
    case apiBaseURL = "API_BASE_URL"
    case apiID = "API_ID"
    case apiIDFile = "API_ID_FILE"
    case apiSecret = "API_SECRET"
    case apiSecretFile = "API_SECRET_FILE"
    case apiCAFile = "API_CA_FILE"
    case batchMaxItems = "BATCH_MAX_ITEMS"
    case batchMaxBytes = "BATCH_MAX_BYTES"
    case batchLingerMilliseconds = "BATCH_LINGER_MS"
    case maxInFlight = "MAX_IN_FLIGHT"
    case httpPort = "HTTP_PORT"
    case logLevel = "LOG_LEVEL"
    case logFormat = "LOG_FORMAT"
    case shutdownGraceSeconds = "SHUTDOWN_GRACE_SECONDS"

    /// `KAFKA_PROPERTY_<NAME>` passes any librdkafka property through.
    static let kafkaPropertyPrefix = "KAFKA_PROPERTY_"

    var name: String { rawValue }

    /// Whether the value is a credential: never printed, never logged, never echoed in an error.
    var isSecret: Bool {
        switch self {
        case .apiID, .apiSecret: true
        default: false
        }
    }

    /// Whether `name` is a setting this service reads (a fixed key or a `KAFKA_PROPERTY_` one).
    static func isKnown(_ name: String) -> Bool {
        SinkConfigurationKey(rawValue: name) != nil || name.hasPrefix(kafkaPropertyPrefix)
    }
}
