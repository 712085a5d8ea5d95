/// How a `KafkaConsumer` is set up.
///
/// `properties` are librdkafka properties (`bootstrap.servers`, `group.id`, security settings…).
/// Offsets are always committed explicitly by the application: `enable.auto.commit` and
/// `enable.auto.offset.store` are forced to `false`, because committing what was merely polled
/// would pass records that have not reached an outcome yet.
public struct KafkaConsumerConfiguration: Sendable {
    public var properties: [String: String]
    /// How long a revocation waits for the application to finish and commit the revoked
    /// partitions before they are given up anyway (their uncommitted records are then re-read by
    /// the next owner: at-least-once).
    public var revocationTimeout: Duration
    /// The most messages handed over in one `.messages` event.
    public var maxMessagesPerEvent: Int
    /// How long one poll waits for a message; bounds how quickly a stop request is noticed.
    public var pollTimeout: Duration
    /// When set, the poll thread takes no more messages from librdkafka while the application
    /// holds this many (see `KafkaConsumer.updateDeliveryWindow`), waiting at most
    /// `deliveryWindowMaxWait` at a time so that rebalances are still served. `nil`: messages are
    /// handed over as fast as librdkafka fetches them.
    public var deliveryWindow: Int?
    /// How long the poll thread waits for room in a full window before it polls anyway.
    public var deliveryWindowMaxWait: Duration

    public init(
        properties: [String: String],
        revocationTimeout: Duration = .seconds(15),
        maxMessagesPerEvent: Int = 1000,
        pollTimeout: Duration = .milliseconds(100),
        deliveryWindow: Int? = nil,
        deliveryWindowMaxWait: Duration = .milliseconds(100)
    ) {
        self.properties = properties
        self.revocationTimeout = revocationTimeout
        self.maxMessagesPerEvent = maxMessagesPerEvent
        self.pollTimeout = pollTimeout
        self.deliveryWindow = deliveryWindow
        self.deliveryWindowMaxWait = deliveryWindowMaxWait
    }

    var effectiveProperties: [String: String] {
        var result = properties
        result["enable.auto.commit"] = "false"
        result["enable.auto.offset.store"] = "false"
        return result
    }
}
