/// How a `KafkaProducer` is set up.
///
/// The producer is always idempotent with `acks=all` (those two properties are forced): a
/// dead-lettered record counts as final only once every in-sync replica has it, and retries must
/// not write it twice.
public struct KafkaProducerConfiguration: Sendable {
    public var properties: [String: String]
    /// How long `shutdown()` waits for outstanding deliveries.
    public var flushTimeout: Duration

    public init(properties: [String: String], flushTimeout: Duration = .seconds(10)) {
        self.properties = properties
        self.flushTimeout = flushTimeout
    }

    var effectiveProperties: [String: String] {
        var result = properties
        result["enable.idempotence"] = "true"
        result["acks"] = "all"
        return result
    }
}
