import IngestionAPI
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// The sink: Kafka records → the Metadata Ingestion API, with a dead-letter topic, committing
/// offsets only once every record up to them has an outcome.
///
/// A swift-service-lifecycle `Service`: graceful shutdown stops fetching, finishes in-flight
/// work within the grace period, commits, and closes the consumer (leaving the group).
/// Cancellation stops at once without committing, which at-least-once delivery makes safe.
public final class SinkPipeline: Service {
    public enum Mode: Sendable {
        /// A consumer-group member: commits as records become final.
        case consumerGroup
        /// A fixed range (replay): commits nothing, ends when every record in `[start, end)` of
        /// every partition has an outcome.
        case range(start: [TopicPartition: Int64], end: [TopicPartition: Int64])
        /// A fixed range of the dead-letter topic (redrive): each selected dead letter goes
        /// through the pipeline as the original record it carries, and one that fails again is
        /// dead-lettered again with `dlq.redrive.count` raised; the others are skipped. Commits
        /// to the consumer's own group as records become final, so that the next redrive
        /// continues after them; ends like a range.
        case redrive(start: [TopicPartition: Int64], end: [TopicPartition: Int64], selection: RedriveSelection)

        /// `[start, end)` for the modes that end.
        var rangeBounds: (start: [TopicPartition: Int64], end: [TopicPartition: Int64])? {
            switch self {
            case .consumerGroup: nil
            case .range(let start, let end), .redrive(let start, let end, _): (start, end)
            }
        }

        var commitsOffsets: Bool {
            switch self {
            case .consumerGroup, .redrive: true
            case .range: false
            }
        }
    }

    public let progress = CommitProgress()
    private let consumer: KafkaConsumer
    private let dispatcher: Dispatcher
    private let deadLetters: DeadLetterWriter
    private let configuration: PipelineConfiguration
    private let mode: Mode
    private let dryRun: Bool
    private let rateLimiter: RateLimiter?
    private let shutdownGrace: Duration
    private let health: SinkHealth
    private let metrics: SinkMetrics
    private let logger: Logger
    private let input = PipelineInbox()
    private let positionsBox = Mutex<[TopicPartition: Int64]>([:])

    public init(
        consumer: KafkaConsumer,
        client: IngestionClient,
        deadLetters: DeadLetterWriter,
        configuration: PipelineConfiguration = .init(),
        mode: Mode = .consumerGroup,
        dryRun: Bool = false,
        shutdownGrace: Duration = .seconds(20),
        health: SinkHealth = SinkHealth(),
        metrics: SinkMetrics = SinkMetrics(),
        logger: Logger
    ) {
        self.consumer = consumer
        self.dispatcher = Dispatcher(client: client, configuration: configuration, health: health, metrics: metrics, logger: logger)
        self.deadLetters = deadLetters
        self.configuration = configuration
        self.mode = mode
        self.dryRun = dryRun
        self.rateLimiter = configuration.maxRecordsPerSecond.map { RateLimiter(recordsPerSecond: $0) }
        self.shutdownGrace = shutdownGrace
        self.health = health
        self.metrics = metrics
        self.logger = logger
    }

    /// Asks the pipeline to drain and stop, as a graceful shutdown does.
    public func shutdownGracefully(grace: Duration? = nil) {
        input.yield(.shutdown(grace: grace ?? shutdownGrace))
    }

    /// Whether this is a dry run: records are decoded and validated, and what would be sent or
    /// dead-lettered is counted (as `ingested` and `deadLettered…` in `metrics`), but nothing is
    /// sent, dead-lettered or committed.
    public var isDryRun: Bool { dryRun }

    /// For a range: how far every partition is final (the replay's progress).
    public var positions: [TopicPartition: Int64] { positionsBox.withLock { $0 } }

    public func run() async throws {
        let engine = PipelineEngine(
            configuration: configuration, mode: mode, dryRun: dryRun, consumer: consumer, health: health,
            metrics: metrics, progress: progress, logger: logger)
        let input = self.input
        let lingerDeadline = LingerDeadline()
        defer {
            health.setJoinedGroup(false)
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { [consumer, intake = engine.intake] in
                    // Decoding and validation happen here, beside the engine's loop rather than in it.
                    for await event in consumer.events {
                        if case .messages(let messages) = event {
                            input.yield(.checked(intake.check(messages)))
                        } else {
                            input.yield(.consumer(event))
                        }
                    }
                    input.yield(.consumerEnded)
                }
                group.addTask { [configuration, lingerDeadline] in
                    // The clock of linger, commit interval, revocation and drain deadlines; it
                    // also wakes exactly when a lingering batch is due, not up to a period later.
                    let period = min(.milliseconds(10), configuration.linger > .zero ? configuration.linger : .milliseconds(10))
                    while !Task.isCancelled {
                        let next = ContinuousClock.now + period
                        try? await Task.sleep(until: min(next, lingerDeadline.instant ?? next), clock: .continuous)
                        input.yield(.tick)
                    }
                }
                while let event = await input.next() {
                    if Task.isCancelled { break }
                    engine.handle(event)
                    lingerDeadline.instant = engine.nextLingerDeadline
                    for task in engine.takeTasks() { start(task, in: &group) }
                    if mode.rangeBounds != nil { positionsBox.withLock { $0 = engine.positions } }
                    if engine.finished { break }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: { [shutdownGrace] in
            input.yield(.shutdown(grace: shutdownGrace))
        }
        // Leaving the group after the final commit; after cancellation, without one.
        await consumer.shutdown()
        input.finish()
    }

    private func start(_ task: PipelineTask, in group: inout DiscardingTaskGroup) {
        let input = self.input
        switch task {
        case .send(let batch, let records) where dryRun:
            input.yield(.batchDone(batch: batch, outcomes: Array(repeating: .accepted, count: records.count)))
        case .deadLetter(let batch, let letters) where dryRun:
            for letter in letters { metrics.deadLettered(stage: letter.stage) }
            input.yield(.deadLettered(batch: batch))
        case .send(let batch, let records):
            group.addTask { [dispatcher, rateLimiter] in
                do {
                    try await rateLimiter?.acquire(records.count)
                    let outcomes = try await dispatcher.deliver(records) { input.yield(.batchRetrying(batch: batch)) }
                    input.yield(.batchDone(batch: batch, outcomes: outcomes))
                } catch {
                    // Cancelled: the records stay not final and are read again after a restart.
                }
            }
        case .deadLetter(let batch, let letters):
            group.addTask { [deadLetters, metrics] in
                do {
                    try await deadLetters.write(letters)
                    for letter in letters { metrics.deadLettered(stage: letter.stage) }
                    input.yield(.deadLettered(batch: batch))
                } catch {
                    // Cancelled before the broker acknowledged: not final, read again after a restart.
                }
            }
        }
    }
}

/// When the engine's oldest lingering batch is due, shared with the tick task so it can wake then.
private final class LingerDeadline: Sendable {
    private let state = Mutex<ContinuousClock.Instant?>(nil)

    var instant: ContinuousClock.Instant? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
