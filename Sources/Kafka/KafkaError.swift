import CRdKafka

/// An error reported by librdkafka, carrying librdkafka's own message so that users see the
/// same words the Kafka documentation and community use.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// librdkafka's `rd_kafka_resp_err_t` value (negative values are client-side errors).
    public let code: Int32
    public let message: String
    /// The configuration key at fault, for configuration errors.
    public let key: String?

    public init(code: Int32, message: String, key: String? = nil) {
        self.code = code
        self.message = message
        self.key = key
    }

    init(_ err: rd_kafka_resp_err_t, context: String? = nil) {
        let text = String(cString: rd_kafka_err2str(err))
        self.init(code: err.rawValue, message: context.map { "\($0): \(text)" } ?? text)
    }

    /// Wraps an `rd_kafka_error_t` and destroys it.
    init(consuming error: OpaquePointer) {
        let code = rd_kafka_error_code(error)
        let text = String(cString: rd_kafka_error_string(error))
        rd_kafka_error_destroy(error)
        self.init(code: code.rawValue, message: text)
    }

    static func configuration(key: String, message: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: message, key: key)
    }

    public var description: String {
        if let key { return "\(key): \(message)" }
        return message
    }

    /// The error name librdkafka uses, e.g. `_MSG_TIMED_OUT` or `NOT_ENOUGH_REPLICAS`.
    public var name: String {
        String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code)))
    }
}

/// Kafka protocol error codes used by this project, named as librdkafka names them.
public enum KafkaErrorCode: Int32, Sendable {
    case noError = 0
    case unknownTopicOrPartition = 3
    case leaderNotAvailable = 5
    case notLeaderForPartition = 6
    case requestTimedOut = 7
    case notEnoughReplicas = 19
    case notEnoughReplicasAfterAppend = 20
    case illegalGeneration = 22
    case rebalanceInProgress = 27
    case topicAuthorizationFailed = 29
    case groupAuthorizationFailed = 30
    case clusterAuthorizationFailed = 31
    /// The broker already has this idempotent batch; librdkafka reports it delivered, without an offset.
    case duplicateSequenceNumber = 46
    case kafkaStorageError = 56
}

/// Kafka protocol request kinds, for fault injection on the mock cluster.
public enum KafkaAPIKey: Int16, Sendable {
    case produce = 0
    case fetch = 1
    case listOffsets = 2
    case metadata = 3
    case offsetCommit = 8
    case offsetFetch = 9
    case findCoordinator = 10
    case joinGroup = 11
    case heartbeat = 12
    case syncGroup = 14
    case initProducerId = 22
}
