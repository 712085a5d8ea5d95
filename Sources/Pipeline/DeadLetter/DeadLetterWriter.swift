import Kafka
import Logging

/// Stage 6: the dead-letter topic.
///
/// A record counts as dead-lettered only once the broker has acknowledged it with an offset (the
/// producer is idempotent with `acks=all`). A failed produce is retried with backoff until it succeeds, and
/// meanwhile the record is not final, so the commit cannot pass it and readiness turns false.
public final class DeadLetterWriter: Sendable {
    public let topic: String
    private let producer: KafkaProducer
    private let health: SinkHealth
    private let metrics: SinkMetrics
    private let retryBaseDelay: Duration
    private let retryMaxDelay: Duration
    private let logger: Logger

    public init(
        producer: KafkaProducer,
        topic: String,
        health: SinkHealth,
        metrics: SinkMetrics,
        retryBaseDelay: Duration = .milliseconds(200),
        retryMaxDelay: Duration = .seconds(10),
        logger: Logger
    ) {
        self.producer = producer
        self.topic = topic
        self.health = health
        self.metrics = metrics
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
        self.logger = logger
    }

    /// Returns once every letter is acknowledged. Throws only `CancellationError`.
    func write(_ letters: [DeadLetter]) async throws {
        var pending = letters.map { $0.producerRecord(topic: topic) }
        var coordinates = letters.map { "\($0.message.topic)[\($0.message.partition)]@\($0.message.offset)" }
        var backoff = Backoff(base: retryBaseDelay, cap: retryMaxDelay)
        while !pending.isEmpty {
            try Task.checkCancellation()
            let results = await producer.sendAll(pending)
            var failed: [KafkaProducerRecord] = []
            var failedCoordinates: [String] = []
            var produceFailed = false
            for (index, result) in results.enumerated() where !result.isConfirmedWrite {
                switch result {
                case .success:
                    // Delivered by inference (a duplicate-sequence answer), with no offset to
                    // show for it. Written again: a second dead letter is acceptable
                    // (at-least-once); a missing one is a lost record.
                    logger.warning("dead-letter delivery not confirmed with an offset; writing it again", metadata: [
                        "record": "\(coordinates[index])", "dlqTopic": "\(topic)",
                    ])
                case .failure(let error):
                    produceFailed = true
                    metrics.deadLetterProduceFailed()
                    logger.warning("dead-letter produce failed; holding the commit and retrying", metadata: [
                        "record": "\(coordinates[index])", "error": "\(error.name): \(error.message)", "dlqTopic": "\(topic)",
                    ])
                }
                failed.append(pending[index])
                failedCoordinates.append(coordinates[index])
            }
            if failed.isEmpty {
                health.setDeadLetterUnwritable(false)
                return
            }
            pending = failed
            coordinates = failedCoordinates
            // Unconfirmed deliveries alone do not make the topic unwritable.
            if produceFailed {
                health.setDeadLetterUnwritable(true)
                if let fatal = producer.fatalError {
                    logger.critical("dead-letter producer failed fatally; records are held until restart",
                                    metadata: ["error": "\(fatal)"])
                }
            }
            try await Task.sleep(for: backoff.nextDelay())
        }
    }
}
