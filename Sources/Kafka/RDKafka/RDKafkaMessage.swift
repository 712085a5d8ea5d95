#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CRdKafka

/// Reads `rd_kafka_message_t`s into `KafkaMessage`s: by copying (the partition reader destroys the
/// C message right after) or by taking ownership of them (the consumer).
enum RDKafkaMessage {
    /// The name of the last topic seen: messages come in long runs of one topic, and a `String`
    /// made anew for each would copy the C string every time (and, for names over 15 bytes,
    /// allocate) where one shared `String` serves them all. The C name is still compared each
    /// time, since a freed topic handle's address may be reused for another topic.
    struct TopicNames {
        private var name = ""

        mutating func name(of topic: OpaquePointer?) -> String {
            guard let topic, let cName = rd_kafka_topic_name(topic) else { return "" }
            if !matches(cName) { name = String(cString: cName) }
            return name
        }

        /// Whether the C string is the cached name. A native Swift string lends its own
        /// NUL-terminated bytes, so this is one `strcmp`, where walking `utf8` byte by byte
        /// cost a visible share of the poll thread.
        private func matches(_ cName: UnsafePointer<CChar>) -> Bool {
            name.withCString { strcmp($0, cName) == 0 }
        }
    }

    static func copy(_ message: UnsafePointer<rd_kafka_message_t>) -> KafkaMessage {
        let m = message.pointee
        var names = TopicNames()
        let topic = names.name(of: m.rkt)
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaMessage(
            topic: topic,
            partition: m.partition,
            offset: m.offset,
            key: m.key.map { bytes($0, m.key_len) },
            value: m.payload.map { bytes($0, m.len) },
            headers: headers(message),
            timestamp: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
        )
    }

    /// Wraps `message` without copying its bytes; the `KafkaMessage` destroys it.
    static func take(
        _ message: UnsafeMutablePointer<rd_kafka_message_t>, client: RDKafkaClient, topicNames: inout TopicNames
    ) -> KafkaMessage {
        KafkaMessage(taking: message, topic: topicNames.name(of: message.pointee.rkt), client: client)
    }

    private static func bytes(_ pointer: UnsafeMutableRawPointer, _ count: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Parses the headers (librdkafka caches them in the message, so not thread-safe on one message).
    static func headers(_ message: UnsafePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var hdrs: OpaquePointer?
        guard rd_kafka_message_headers(message, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs else { return [] }
        var result: [KafkaHeader] = []
        let count = rd_kafka_header_cnt(hdrs)
        result.reserveCapacity(count)
        for index in 0..<count {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(hdrs, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR,
                let name
            else { continue }
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(key: String(cString: name), value: bytes))
        }
        return result
    }

    /// Builds an `rd_kafka_headers_t`; ownership passes to librdkafka when a produce succeeds.
    static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty else { return nil }
        let hdrs = rd_kafka_headers_new(headers.count)!
        for header in headers {
            if let value = header.value {
                value.withUnsafeBytes { raw in
                    _ = rd_kafka_header_add(hdrs, header.key, -1, raw.baseAddress, raw.count)
                }
            } else {
                _ = rd_kafka_header_add(hdrs, header.key, -1, nil, 0)
            }
        }
        return hdrs
    }
}
