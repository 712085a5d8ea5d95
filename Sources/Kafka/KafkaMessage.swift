/// A record read from Kafka. Key, value and headers are kept byte for byte so that a dead-lettered
/// record can be republished exactly as it arrived.
///
/// An immutable class rather than a struct: a message is handed from the poll thread through the
/// pipeline's stages, and each hand-over of a struct retains its topic, key, value and headers
/// one by one (and releases them again), where a reference is one retain.
public final class KafkaMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    /// `nil` for a tombstone.
    public let value: [UInt8]?
    public let headers: [KafkaHeader]
    /// Milliseconds since the epoch, when the broker or producer set one.
    public let timestamp: Int64?

    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    public var topicPartition: TopicPartition {
        TopicPartition(topic: topic, partition: partition)
    }
}
