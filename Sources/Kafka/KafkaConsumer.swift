import CRdKafka
import Logging

/// A Kafka consumer over librdkafka's high-level consumer.
///
/// Messages, assignments and revocations arrive through `events`, produced by a dedicated poll
/// thread. Offsets are committed only when the application says so (`commit`), with explicit
/// offsets, because only the application knows which records have reached an outcome.
public final class KafkaConsumer: Sendable {
    public let events: AsyncStream<KafkaConsumerEvent>
    let client: RDKafkaClient
    let poller: RDKafkaConsumerPoller
    private let logger: Logger

    public init(configuration: KafkaConsumerConfiguration, logger: Logger) throws(KafkaError) {
        let (stream, continuation) = AsyncStream.makeStream(of: KafkaConsumerEvent.self)
        let poller = RDKafkaConsumerPoller(continuation: continuation, configuration: configuration, logger: logger)
        let context = RDKafkaContext(logger: logger)
        // Weakly: messages keep the handle (and so the context) alive, and the poller keeps the
        // stream of undelivered messages; a strong reference here would close that circle, and a
        // consumer dropped with messages left in `events` would never be destroyed.
        context.onRebalance = { [weak poller] rk, err, list in poller?.rebalance(rk, err, list) }
        context.onError = { [weak poller] error in poller?.report(error) }
        context.onOffsetCommit = { [weak poller] err, offsets in poller?.commitCompleted(err, offsets) }
        let client = try RDKafkaClient(kind: .consumer, properties: configuration.effectiveProperties, context: context)
        // Route everything (rebalances, errors) through the consumer queue that the poll thread serves.
        rd_kafka_poll_set_consumer(client.handle)
        self.events = stream
        self.client = client
        self.poller = poller
        self.logger = logger
        poller.start(client: client)
    }

    /// Joins the consumer group for these topics.
    public func subscribe(topics: [String]) throws(KafkaError) {
        let err = RDKafkaTopicPartitionList.withList(topics.map { (TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA), nil) }) { list in
            rd_kafka_subscribe(client.handle, list)
        }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "subscribe") }
    }

    /// Reads exactly these partitions from these offsets, outside any group rebalancing.
    /// librdkafka still wants a `group.id` for this; nothing is committed unless `commit` is called.
    public func assign(_ offsets: [TopicPartition: Int64]) throws(KafkaError) {
        let err = RDKafkaTopicPartitionList.withList(offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) { list in
            poller.pauses.clearBeforeAssigning(list, rk: client.handle)
            return rd_kafka_assign(client.handle, list)
        }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "assign") }
    }

    /// Commits `offsets` (each the next offset to read). A synchronous commit throws when the
    /// broker refuses it; an asynchronous one reports the broker's answer later in `events`
    /// (`.committed`, `.commitFailed`), since a refused commit must be made again.
    public func commit(_ offsets: [TopicPartition: Int64], synchronously: Bool) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let err = RDKafkaTopicPartitionList.withList(offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) { list in
            rd_kafka_commit(client.handle, list, synchronously ? 0 : 1)
        }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET else {
            throw KafkaError(err, context: "commit")
        }
    }

    /// Stops fetching these partitions; the consumer keeps polling and stays in its group.
    /// A pause lasts until `resume` or until the partition is revoked: a partition assigned
    /// again starts unpaused (librdkafka itself would keep the pause; see `RDKafkaPauses`).
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        try poller.pauses.pause(partitions, rk: client.handle)
    }

    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        try poller.pauses.resume(partitions, rk: client.handle)
    }

    /// Reports how many messages the application has taken from `events` in total (`received`)
    /// and how many of those it still holds, read and not finished (`held`). With
    /// `deliveryWindow` configured, the poll thread waits while the messages not yet taken plus
    /// those held reach the window; otherwise this does nothing.
    public func updateDeliveryWindow(received: Int, held: Int) {
        poller.deliveryWindow?.update(received: received, held: held)
    }

    /// The partitions currently assigned to this member.
    public func assignment() throws(KafkaError) -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let err = rd_kafka_assignment(client.handle, &list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { throw KafkaError(err, context: "assignment") }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return RDKafkaTopicPartitionList.topicPartitions(list)
    }

    /// The group's committed offsets; `nil` where the group has committed nothing.
    public func committed(_ partitions: [TopicPartition], timeout: Duration = .seconds(10)) throws(KafkaError) -> [TopicPartition: Int64?] {
        try RDKafkaTopicPartitionList.withList(partitions.map { ($0, nil) }) { list throws(KafkaError) in
            let err = rd_kafka_committed(client.handle, list, timeout.milliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "committed") }
            var result: [TopicPartition: Int64?] = [:]
            for entry in RDKafkaTopicPartitionList.read(list) {
                result[entry.topicPartition] = entry.offset >= 0 ? entry.offset : nil
            }
            return result
        }
    }

    /// Low and high watermarks (the high one is the offset the next record will get).
    public func watermarks(_ partition: TopicPartition, timeout: Duration = .seconds(10)) throws(KafkaError) -> (low: Int64, high: Int64) {
        try client.watermarks(partition, timeout: timeout)
    }

    /// The high watermark from the last fetch response for this partition, without asking the
    /// broker, so it is cheap enough to read on every commit; `nil` before the first fetch.
    public func cachedHighWatermark(_ partition: TopicPartition) -> Int64? {
        client.cachedWatermarks(partition)?.high
    }

    public func partitionCount(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> Int32 {
        try client.partitionCount(topic: topic, timeout: timeout)
    }

    /// For each partition, the earliest offset whose timestamp is at or after the given one
    /// (milliseconds), as the broker answers it: `-1` when it finds none, and always `-1` from
    /// librdkafka's 2.0.2 mock cluster. `KafkaPartitionReader.offset(forTime:in:)` handles both.
    public func offsetsForTimes(_ timestamps: [TopicPartition: Int64], timeout: Duration = .seconds(10)) throws(KafkaError) -> [TopicPartition: Int64] {
        try client.offsetsForTimes(timestamps, timeout: timeout)
    }

    // Dropping the consumer without `shutdown()` still stops its poll thread, which owns the handle.
    deinit {
        poller.requestStop()
    }

    /// Stops polling, closes the consumer (which leaves the group) and ends `events`.
    /// Finish and commit outstanding work before calling this.
    public func shutdown() async {
        poller.requestStop()
        await poller.waitUntilFinished()
    }
}
