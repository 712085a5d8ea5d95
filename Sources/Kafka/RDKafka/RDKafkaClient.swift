import CRdKafka
import Logging

/// Owns one `rd_kafka_t` and the context its callbacks reach.
///
/// librdkafka handles are thread-safe, which is what makes sharing this type sound.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind {
        case consumer
        case producer
    }

    let handle: OpaquePointer
    let context: RDKafkaContext
    private let retainedContext: Unmanaged<RDKafkaContext>

    init(kind: Kind, properties: [String: String], context: RDKafkaContext) throws(KafkaError) {
        let conf = try RDKafkaConfig.make(properties)
        let retained = Unmanaged.passRetained(context)
        context.install(on: conf, opaque: retained.toOpaque(), consumer: kind == .consumer)
        var errstr = [CChar](repeating: 0, count: 512)
        let type = kind == .consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER
        guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            // On failure the configuration still belongs to us.
            rd_kafka_conf_destroy(conf)
            retained.release()
            let message = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: message)
        }
        self.handle = handle
        self.context = context
        self.retainedContext = retained
    }

    // The handle lives exactly as long as the last Swift owner: poll threads hold a reference,
    // so the handle cannot be destroyed under them.
    deinit {
        rd_kafka_destroy(handle)
        retainedContext.release()
    }

    var name: String { String(cString: rd_kafka_name(handle)) }

    func watermarks(_ tp: TopicPartition, timeout: Duration) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, tp.topic, tp.partition, &low, &high, timeout.milliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "watermarks of \(tp)") }
        return (low, high)
    }

    /// The watermarks librdkafka last saw in fetch responses; no broker round trip. `nil` until
    /// the partition has been fetched at least once.
    func cachedWatermarks(_ tp: TopicPartition) -> (low: Int64, high: Int64)? {
        var low: Int64 = -1
        var high: Int64 = -1
        let err = rd_kafka_get_watermark_offsets(handle, tp.topic, tp.partition, &low, &high)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 else { return nil }
        return (low, high)
    }

    /// Partition counts of topics, from the cluster's metadata.
    func partitionCount(topic: String, timeout: Duration) throws(KafkaError) -> Int32 {
        try Self.partitionCount(topic: topic, rk: handle, timeout: timeout)
    }

    /// The same on a bare handle (the rebalance callback has no client). The answer also
    /// delegates each of the topic's partitions to its leader before this returns.
    static func partitionCount(topic: String, rk handle: OpaquePointer, timeout: Duration) throws(KafkaError) -> Int32 {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let rkt = rd_kafka_topic_new(handle, topic, nil)
        defer { if let rkt { rd_kafka_topic_destroy(rkt) } }
        let err = rd_kafka_metadata(handle, 0, rkt, &metadata, timeout.milliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(err, context: "metadata of \(topic)")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt > 0 else {
            throw KafkaError(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, context: topic)
        }
        let topicMetadata = metadata.pointee.topics[0]
        guard topicMetadata.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(topicMetadata.err, context: topic)
        }
        return topicMetadata.partition_cnt
    }
}

extension Duration {
    /// Whole milliseconds, clamped to what librdkafka's `int` timeouts accept.
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }
}
