import CRdKafka
import Synchronization

/// A record read from Kafka. Key, value and headers are kept byte for byte so that a dead-lettered
/// record can be republished exactly as it arrived.
///
/// An immutable class rather than a struct: a message is handed from the poll thread through the
/// pipeline's stages, and each hand-over of a struct retains its topic, key, value and headers
/// one by one (and releases them again), where a reference is one retain.
///
/// A message from the consumer keeps librdkafka's own message (and so the fetch buffer its bytes
/// are in) until it is released, instead of copying them out: copying cost an allocation and a
/// free for the value and for the key, and reading the headers one more each even when there are
/// none, for every record, where the sink reads the headers only to dead-letter one. Hot paths
/// read the bytes in place with `withUnsafeValue`; `key`, `value` and `headers` copy them.
public final class KafkaMessage: @unchecked Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    /// Milliseconds since the epoch, when the broker or producer set one.
    public let timestamp: Int64?
    /// The value's size in bytes; nil for a tombstone.
    public let valueCount: Int?

    // Exactly one of `copied` and `borrowed` is set. `@unchecked Sendable` is sound because
    // neither changes after init, librdkafka's message is only read (its key and value bytes are
    // immutable, `rd_kafka_message_destroy` may run on any thread), and the one lazy read
    // that writes into it, the headers' parse, happens under `headersParse`.
    //
    // Small on purpose: one of these is allocated for every record read, and freed on another
    // thread. The copied parts are one reference (a consumed message has none) and the headers'
    // lock is shared by all messages (only a dead letter or a redrive reads headers), which keeps
    // an instance within glibc's fast bins (at most 120 bytes), whose frees take no arena lock.
    private let copied: Copied?
    private let borrowed: UnsafeMutablePointer<rd_kafka_message_t>?
    /// The handle the message came from: librdkafka's messages must be destroyed before it is.
    private let client: RDKafkaClient?

    /// The parts of a message made in Swift (a test's, or a detached copy).
    private final class Copied: Sendable {
        let key: [UInt8]?
        let value: [UInt8]?
        let headers: [KafkaHeader]

        init(key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader]) {
            self.key = key
            self.value = value
            self.headers = headers
        }
    }

    /// `rd_kafka_message_headers` parses a message's headers into the message on first use, so
    /// two threads reading them at once would race.
    private static let headersParse = Mutex(())

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
        self.timestamp = timestamp
        self.valueCount = value?.count
        self.copied = Copied(key: key, value: value, headers: headers)
        self.borrowed = nil
        self.client = nil
    }

    /// Takes ownership of `message`, a message without error consumed through `client`.
    init(taking message: UnsafeMutablePointer<rd_kafka_message_t>, topic: String, client: RDKafkaClient) {
        let m = message.pointee
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        self.topic = topic
        self.partition = m.partition
        self.offset = m.offset
        self.timestamp = timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
        self.valueCount = m.payload == nil ? nil : m.len
        self.copied = nil
        self.borrowed = message
        self.client = client
    }

    deinit {
        // Before `client` is released: the handle may go with it.
        if let borrowed { rd_kafka_message_destroy(borrowed) }
    }

    public var topicPartition: TopicPartition {
        TopicPartition(topic: topic, partition: partition)
    }

    /// The same message with its own copy of the key, value and headers (itself when it has
    /// one already). A message kept long while the ones around it are done with, such as a dead
    /// letter waiting for its topic, would otherwise keep a whole fetch buffer alive.
    public func detached() -> KafkaMessage {
        guard borrowed != nil else { return self }
        return KafkaMessage(
            topic: topic, partition: partition, offset: offset, key: key, value: value, headers: headers, timestamp: timestamp)
    }

    /// `body` of the value's bytes, in place; nil for a tombstone. Inlinable, so that it is
    /// specialised for the caller's result: the validator calls it for every record.
    @inlinable
    public func withUnsafeValue<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        if let bytes = borrowedValue {
            // The bytes are librdkafka's, alive as long as `self` is.
            return try withExtendedLifetime(self) { try body(bytes) }
        }
        return try copiedValue?.withUnsafeBufferPointer(body)
    }

    /// The value in librdkafka's buffer; nil for a tombstone or a message that owns a copy.
    @usableFromInline
    var borrowedValue: UnsafeBufferPointer<UInt8>? {
        guard let borrowed, let payload = borrowed.pointee.payload else { return nil }
        return UnsafeBufferPointer(start: payload.assumingMemoryBound(to: UInt8.self), count: borrowed.pointee.len)
    }

    @usableFromInline
    var copiedValue: [UInt8]? { copied?.value }

    /// A copy of the value; nil for a tombstone.
    public var value: [UInt8]? {
        borrowedValue.map { Array($0) } ?? copiedValue
    }

    public var key: [UInt8]? {
        if let borrowed {
            return borrowed.pointee.key.map { Array(UnsafeRawBufferPointer(start: $0, count: borrowed.pointee.key_len)) }
        }
        return copied?.key
    }

    public var headers: [KafkaHeader] {
        guard let borrowed else { return copied?.headers ?? [] }
        return Self.headersParse.withLock { _ in RDKafkaMessage.headers(borrowed) }
    }
}
