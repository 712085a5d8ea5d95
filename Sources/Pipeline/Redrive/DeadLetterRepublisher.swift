import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Redrive to a topic: the selected dead letters of a fixed range of the dead-letter topic are
/// republished to `topic` as the originals they carry (key, value, and headers without the
/// `dlq.` ones; partitioned by key, stamped with the current time so that retention does not
/// take them at once). Not selected ones are skipped.
///
/// Offsets are committed to the consumer's group after each batch is acknowledged by the target
/// topic, so the next redrive continues after them; a stop between the two republishes that
/// batch again (at least once). A dry run only counts.
///
/// A swift-service-lifecycle `Service`: graceful shutdown finishes the batch in hand, commits,
/// and stops.
public final class DeadLetterRepublisher: Service {
    public struct Totals: Sendable, Equatable {
        public var read = 0
        public var republished = 0
        public var filtered = 0
    }

    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let topic: String
    private let start: [TopicPartition: Int64]
    private let end: [TopicPartition: Int64]
    private let selection: RedriveSelection
    private let dryRun: Bool
    private let retryBaseDelay: Duration
    private let retryMaxDelay: Duration
    private let logger: Logger
    private let state = Mutex<(positions: [TopicPartition: Int64], totals: Totals)>(([:], Totals()))

    /// `consumer` must already be assigned `start`.
    public init(
        consumer: KafkaConsumer,
        producer: KafkaProducer,
        topic: String,
        start: [TopicPartition: Int64],
        end: [TopicPartition: Int64],
        selection: RedriveSelection,
        dryRun: Bool = false,
        retryBaseDelay: Duration = .milliseconds(200),
        retryMaxDelay: Duration = .seconds(10),
        logger: Logger
    ) {
        self.consumer = consumer
        self.producer = producer
        self.topic = topic
        self.start = start
        self.end = end
        self.selection = selection
        self.dryRun = dryRun
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
        self.logger = logger
        state.withLock { $0.positions = start }
    }

    /// How far every partition is done (republished, or skipped).
    public var positions: [TopicPartition: Int64] { state.withLock { $0.positions } }

    public var totals: Totals { state.withLock { $0.totals } }

    public func run() async throws {
        var delivered = Set<TopicPartition>()
        var positions = start
        func complete() -> Bool {
            end.allSatisfy { partition, endOffset in (positions[partition] ?? endOffset) >= endOffset || delivered.contains(partition) }
        }
        if !complete() {
            events: for await event in consumer.events.cancelOnGracefulShutdown() {
                switch event {
                case .messages(let messages):
                    var records: [KafkaProducerRecord] = []
                    var advanced: [TopicPartition: Int64] = [:]
                    var totals = Totals()
                    for message in messages {
                        let partition = message.topicPartition
                        guard let endOffset = end[partition] else { continue }
                        if message.offset >= endOffset {
                            delivered.insert(partition)
                            try? consumer.pause([partition])
                            continue
                        }
                        guard message.offset >= advanced[partition] ?? positions[partition] ?? 0 else { continue }
                        advanced[partition] = message.offset + 1
                        totals.read += 1
                        let deadLetter = DeadLetterRecord(message)
                        guard selection.matches(deadLetter) else {
                            totals.filtered += 1
                            continue
                        }
                        let original = deadLetter.original
                        records.append(KafkaProducerRecord(topic: topic, key: original.key, value: original.value, headers: original.headers))
                    }
                    if !dryRun {
                        guard await republish(records) else { break events }
                        do {
                            try consumer.commit(advanced, synchronously: true)
                        } catch {
                            logger.warning("commit failed; the next redrive republishes these records again", metadata: ["error": "\(error)"])
                        }
                    }
                    totals.republished = records.count
                    positions.merge(advanced) { max($0, $1) }
                    state.withLock { state in
                        state.positions = positions
                        state.totals.read += totals.read
                        state.totals.filtered += totals.filtered
                        state.totals.republished += totals.republished
                    }
                case .partitionEOF(let partition, let offset):
                    if let endOffset = end[partition], offset >= endOffset { delivered.insert(partition) }
                case .error(let error):
                    logger.warning("kafka consumer reported an error", metadata: ["error": "\(error.name): \(error.message)"])
                case .assigned, .revoked, .committed, .commitFailed:
                    break
                }
                if complete() { break events }
            }
        }
        // Partitions whose every offset before the end was handed over count as done, gaps included.
        state.withLock { state in
            for partition in delivered { state.positions[partition] = max(state.positions[partition] ?? 0, end[partition] ?? 0) }
        }
        await consumer.shutdown()
    }

    /// Produces `records` until each is acknowledged; false when a graceful shutdown or
    /// cancellation stopped it first (nothing is committed for the batch then).
    private func republish(_ records: [KafkaProducerRecord]) async -> Bool {
        var pending = records
        var backoff = Backoff(base: retryBaseDelay, cap: retryMaxDelay)
        while !pending.isEmpty {
            let results = await producer.sendAll(pending)
            var failed: [KafkaProducerRecord] = []
            for (record, result) in zip(pending, results) where !result.isConfirmedWrite {
                failed.append(record)
                if case .failure(let error) = result {
                    logger.warning("republish failed; retrying", metadata: ["topic": "\(topic)", "error": "\(error.name): \(error.message)"])
                } else {
                    // As for dead letters: a delivery without an offset may not be written.
                    logger.warning("republished record not confirmed with an offset; sending it again", metadata: ["topic": "\(topic)"])
                }
            }
            pending = failed
            guard !pending.isEmpty else { return true }
            if Task.isCancelled || Task.isShuttingDownGracefully { return false }
            try? await Task.sleep(for: backoff.nextDelay())
        }
        return true
    }
}
