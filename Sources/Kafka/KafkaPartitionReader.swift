import CRdKafka
import Logging
import Synchronization

/// Reads single records at chosen offsets, outside any consumer group: what a lookup needs when
/// it must see a record (its timestamp) rather than consume a stream.
///
/// It uses librdkafka's simple (legacy) consumer interface, which fetches one partition from a
/// given offset on demand, so each read starts cleanly where asked, with nothing left over from
/// the previous one. Reads are serialised: the simple interface allows one active fetch per
/// partition and handle.
public final class KafkaPartitionReader: Sendable {
    private let client: RDKafkaClient
    private let reading = Mutex(())

    /// - Parameter properties: librdkafka properties (`bootstrap.servers`, security settings);
    ///   no `group.id` is needed.
    public init(properties: [String: String], logger: Logger) throws(KafkaError) {
        var properties = properties
        properties["group.id"] = nil
        // An explicit end-of-partition answer, instead of waiting for a timeout, when no record
        // is at or after the requested offset.
        properties["enable.partition.eof"] = "true"
        // A fetch still waiting at the broker delays the next read by up to this long: reads
        // here are short and targeted, so a short wait costs the broker little.
        properties["fetch.wait.max.ms"] = "10"
        properties["enable.auto.commit"] = "false"
        properties["enable.auto.offset.store"] = "false"
        client = try RDKafkaClient(kind: .consumer, properties: properties, context: RDKafkaContext(logger: logger))
    }

    /// Low and high watermarks (the high one is the offset the next record will get).
    public func watermarks(_ partition: TopicPartition, timeout: Duration = .seconds(10)) throws(KafkaError) -> (low: Int64, high: Int64) {
        try client.watermarks(partition, timeout: timeout)
    }

    public func partitionCount(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> Int32 {
        try client.partitionCount(topic: topic, timeout: timeout)
    }

    /// The broker's answer to ListOffsets by timestamp (see `KafkaConsumer.offsetsForTimes`).
    public func offsetsForTimes(_ timestamps: [TopicPartition: Int64], timeout: Duration = .seconds(10)) throws(KafkaError) -> [TopicPartition: Int64] {
        try client.offsetsForTimes(timestamps, timeout: timeout)
    }

    /// The first record at `offset` or after it; `nil` when the partition has none (the offset
    /// is at or past its end).
    public func firstRecord(atOrAfter offset: Int64, in partition: TopicPartition, timeout: Duration = .seconds(10)) throws(KafkaError) -> KafkaMessage? {
        try reading.withLock { _ throws(KafkaError) in
            guard let topic = rd_kafka_topic_new(client.handle, partition.topic, nil) else {
                throw KafkaError(rd_kafka_last_error(), context: "topic \(partition.topic)")
            }
            defer { rd_kafka_topic_destroy(topic) }
            guard rd_kafka_consume_start(topic, partition.partition, offset) == 0 else {
                throw KafkaError(rd_kafka_last_error(), context: "read \(partition)@\(offset)")
            }
            // Stopping also purges whatever was fetched beyond the one record wanted.
            defer { rd_kafka_consume_stop(topic, partition.partition) }
            let deadline = ContinuousClock.now + timeout
            while true {
                let remaining = deadline - .now
                guard remaining > .zero else {
                    throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, context: "read \(partition)@\(offset)")
                }
                guard let message = rd_kafka_consume(topic, partition.partition, max(1, remaining.milliseconds)) else {
                    let err = rd_kafka_last_error()
                    if err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR_NO_ERROR { continue }
                    throw KafkaError(err, context: "read \(partition)@\(offset)")
                }
                defer { rd_kafka_message_destroy(message) }
                switch message.pointee.err {
                case RD_KAFKA_RESP_ERR_NO_ERROR:
                    return RDKafkaMessage.copy(message)
                case RD_KAFKA_RESP_ERR__PARTITION_EOF:
                    return nil
                default:
                    throw KafkaError(message.pointee.err, context: "read \(partition)@\(offset)")
                }
            }
        }
    }
}
