import Metrics
import Synchronization

/// The sink's metrics, through swift-metrics (exported as Prometheus text by the executable),
/// plus plain totals that the demo, replay and tests read directly.
///
/// Names, all prefixed `metadata_sink_`:
/// - `records_consumed_total`, `records_ingested_total`, `records_skipped_total{reason}`,
///   `records_dead_lettered_total{stage}`
/// - `api_requests_total{endpoint,status}`, `api_request_duration_seconds` (histogram)
/// - `batch_items`, `batch_bytes` (histograms)
/// - `retries_total{reason}`, `dlq_produce_failures_total`
/// - `committed_offset{topic,partition}`, `consumer_lag{topic,partition}`
/// - `in_flight_requests`, `paused_partitions`, `unfetched_partitions`
public final class SinkMetrics: Sendable {
    public struct Totals: Sendable, Equatable {
        public var consumed = 0
        public var ingested = 0
        public var skipped = 0
        /// Dead letters a redrive did not select.
        public var filtered = 0
        public var deadLetteredDecode = 0
        public var deadLetteredValidate = 0
        public var deadLetteredAPI = 0
        public var apiRequests = 0
        public var retries = 0
        public var dlqProduceFailures = 0

        public var deadLettered: Int { deadLetteredDecode + deadLetteredValidate + deadLetteredAPI }

        public init() {}
    }

    private let totals = Mutex(Totals())
    private let consumedCounter = Counter(label: "metadata_sink_records_consumed_total")
    private let ingestedCounter = Counter(label: "metadata_sink_records_ingested_total")
    private let skippedCounter = Counter(label: "metadata_sink_records_skipped_total", dimensions: [("reason", "tombstone")])
    private let dlqFailureCounter = Counter(label: "metadata_sink_dlq_produce_failures_total")
    private let requestDuration = Timer(label: "metadata_sink_api_request_duration_seconds")
    private let batchItems = Recorder(label: "metadata_sink_batch_items")
    private let batchBytes = Recorder(label: "metadata_sink_batch_bytes")
    private let inFlight = Gauge(label: "metadata_sink_in_flight_requests")
    private let paused = Gauge(label: "metadata_sink_paused_partitions")
    private let unfetched = Gauge(label: "metadata_sink_unfetched_partitions")
    private let unfetchedNow = Atomic<Int>(0)

    public init() {}

    public var snapshot: Totals { totals.withLock { $0 } }

    func consumed(_ count: Int) {
        totals.withLock { $0.consumed += count }
        consumedCounter.increment(by: count)
    }

    func ingested(_ count: Int) {
        totals.withLock { $0.ingested += count }
        ingestedCounter.increment(by: count)
    }

    func skipped(_ count: Int) {
        totals.withLock { $0.skipped += count }
        skippedCounter.increment(by: count)
    }

    func filtered(_ count: Int) {
        totals.withLock { $0.filtered += count }
        Counter(label: "metadata_sink_records_skipped_total", dimensions: [("reason", "filtered")]).increment(by: count)
    }

    func deadLettered(stage: DeadLetterStage) {
        totals.withLock {
            switch stage {
            case .decode: $0.deadLetteredDecode += 1
            case .validate: $0.deadLetteredValidate += 1
            case .api: $0.deadLetteredAPI += 1
            }
        }
        Counter(label: "metadata_sink_records_dead_lettered_total", dimensions: [("stage", stage.rawValue)]).increment()
    }

    func apiRequest(endpoint: String, status: String, duration: Duration) {
        totals.withLock { $0.apiRequests += 1 }
        Counter(label: "metadata_sink_api_requests_total", dimensions: [("endpoint", endpoint), ("status", status)]).increment()
        requestDuration.recordNanoseconds(duration.nanoseconds)
    }

    func batch(items: Int, bytes: Int) {
        batchItems.record(items)
        batchBytes.record(bytes)
    }

    func retry(reason: String) {
        totals.withLock { $0.retries += 1 }
        Counter(label: "metadata_sink_retries_total", dimensions: [("reason", reason)]).increment()
    }

    func deadLetterProduceFailed() {
        totals.withLock { $0.dlqProduceFailures += 1 }
        dlqFailureCounter.increment()
    }

    func committed(topic: String, partition: Int32, offset: Int64) {
        Gauge(label: "metadata_sink_committed_offset", dimensions: [("topic", topic), ("partition", String(partition))])
            .record(offset)
    }

    func lag(topic: String, partition: Int32, lag: Int64) {
        Gauge(label: "metadata_sink_consumer_lag", dimensions: [("topic", topic), ("partition", String(partition))])
            .record(lag)
    }

    func inFlightRequests(_ count: Int) { inFlight.record(count) }
    func pausedPartitions(_ count: Int) { paused.record(count) }

    /// Assigned partitions never fetched (see `UnfetchedPartitionWatch`).
    public var unfetchedPartitions: Int { unfetchedNow.load(ordering: .relaxed) }

    func unfetchedPartitions(_ count: Int) {
        unfetchedNow.store(count, ordering: .relaxed)
        unfetched.record(count)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}
