/// A record to produce. `partition == nil` lets the configured partitioner choose.
public struct KafkaProducerRecord: Sendable {
    public var topic: String
    public var partition: Int32?
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    /// Milliseconds since the epoch; `nil` lets librdkafka stamp the current time.
    public var timestamp: Int64?

    public init(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }
}

/// Where the broker stored a produced record.
public struct KafkaDeliveryReport: Sendable, Equatable {
    public let topic: String
    public let partition: Int32
    /// Where the broker put the record; negative (-1001) when librdkafka inferred the delivery
    /// instead: an idempotent retry answered "duplicate sequence number" says the broker saw
    /// the batch before, not where it is.
    public let offset: Int64

    /// Whether the broker answered with the record's offset.
    public var hasOffset: Bool { offset >= 0 }
}

extension Result where Success == KafkaDeliveryReport, Failure == KafkaError {
    /// Whether the record is known to be written: delivered with an offset. A failure, or a
    /// delivery librdkafka only inferred, may have written nothing, so a caller that must not
    /// lose the record sends it again (a second copy is the at-least-once price).
    public var isConfirmedWrite: Bool {
        if case .success(let report) = self { report.hasOffset } else { false }
    }
}
