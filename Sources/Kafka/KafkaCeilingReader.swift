import CRdKafka
import Logging

/// What a consumer can read on this machine at all: librdkafka's consumer polled in a tight loop
/// that looks at each record's length and does nothing else (no copy, no Swift event, no
/// decoding). The benchmark's ceiling, against which the sink's end-to-end throughput is judged.
public enum KafkaCeilingReader {
    public struct Result: Sendable {
        public var records: Int
        public var bytes: Int
        /// From the assignment to the last record.
        public var duration: Duration
        /// From the assignment to the first record: start-up (offset lookup, first fetch).
        public var firstRecordAfter: Duration
    }

    /// Reads the partitions of `topic` in `ends` from their beginning up to (not including) their
    /// end offset, on the calling thread. `properties` needs `bootstrap.servers` and `group.id`
    /// (librdkafka wants one even for manual assignment; nothing is committed).
    public static func read(
        properties: [String: String],
        topic: String,
        ends: [Int32: Int64],
        timeout: Duration,
        logger: Logger
    ) throws(KafkaError) -> Result {
        var properties = properties
        properties["enable.auto.commit"] = "false"
        properties["enable.auto.offset.store"] = "false"
        let client = try RDKafkaClient(kind: .consumer, properties: properties, context: RDKafkaContext(logger: logger))
        let rk = client.handle
        rd_kafka_poll_set_consumer(rk)
        defer { _ = rd_kafka_consumer_close(rk) }

        // Metadata first, outside the clock: assigning partitions whose leader is not known yet
        // makes librdkafka retry the offset lookup half a second later, a start-up cost the sink
        // does not pay either (`RDKafkaStartOffsets` learns the leaders before assigning).
        _ = try client.partitionCount(topic: topic, timeout: timeout)

        // The last offset still to read, per partition; partitions with nothing to read are done.
        var remaining: [Int32: Int64] = [:]
        for (partition, end) in ends where end > 0 { remaining[partition] = end - 1 }
        let start = ContinuousClock.now
        let assignment = ends.keys.sorted().map { (TopicPartition(topic: topic, partition: $0), Int64(RD_KAFKA_OFFSET_BEGINNING)) }
        let err = RDKafkaTopicPartitionList.withList(assignment) { list in
            rd_kafka_assign(rk, list)
        }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "assign") }

        var records = 0
        var bytes = 0
        var last = start
        var first: ContinuousClock.Instant?
        let deadline = start + timeout
        while !remaining.isEmpty {
            guard let message = rd_kafka_consumer_poll(rk, 100) else {
                if ContinuousClock.now >= deadline {
                    throw KafkaError(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue,
                                     message: "ceiling read: \(remaining.count) partitions not read to their end in \(timeout)")
                }
                continue
            }
            let m = message.pointee
            if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                if first == nil { first = .now }
                records += 1
                bytes += m.len
                if let lastOffset = remaining[m.partition], m.offset >= lastOffset {
                    remaining[m.partition] = nil
                    last = .now
                }
            }
            rd_kafka_message_destroy(message)
        }
        return Result(records: records, bytes: bytes, duration: last - start, firstRecordAfter: (first ?? last) - start)
    }
}
