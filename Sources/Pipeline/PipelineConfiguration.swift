/// How the pipeline batches, retries and bounds its memory.
public struct PipelineConfiguration: Sendable {
    /// Items per request; the API takes at most 1000, so larger values are clamped.
    public var batchMaxItems: Int
    /// Request body size in bytes; a single record larger than this is still sent alone.
    public var batchMaxBytes: Int
    /// How long a partial batch waits for more records.
    public var linger: Duration
    /// Requests in flight at once.
    public var maxInFlight: Int
    /// Records read but not final (buffered, in flight or being dead-lettered) before partitions
    /// are paused; with `maxBufferedBytes`, what bounds memory under backlog or outage.
    public var maxBufferedRecords: Int
    public var maxBufferedBytes: Int
    /// How often committed offsets are advanced asynchronously.
    public var commitInterval: Duration
    /// Backoff for retryable API failures (429, 5xx, timeouts): exponential with full jitter.
    public var retryBaseDelay: Duration
    public var retryMaxDelay: Duration
    /// Backoff cap while the API refuses our credentials (401/403/404), where retrying fast is pointless.
    public var authRetryMaxDelay: Duration
    /// Backoff cap for re-producing a dead letter the broker did not acknowledge.
    public var deadLetterRetryMaxDelay: Duration
    /// JSON nesting deeper than this is a decode error (the schema has at most 3 levels).
    public var maxJSONDepth: Int
    /// How long a revocation waits for in-flight work of the revoked partitions; keep it below the
    /// consumer's `revocationTimeout`.
    public var revocationDrainTimeout: Duration
    /// Records sent to the API per second at most (replay's `--rate`); nil for no cap. Batches
    /// are then no larger than one second's worth, so that the pace stays even.
    public var maxRecordsPerSecond: Int?
    /// An assigned partition with no fetch response this long after its assignment (time spent
    /// paused not counted) is reported: a warning naming it and the `unfetched_partitions` gauge.
    public var unfetchedPartitionWarning: Duration

    public init(
        batchMaxItems: Int = 1000,
        batchMaxBytes: Int = 1_048_576,
        linger: Duration = .milliseconds(100),
        maxInFlight: Int = 4,
        maxBufferedRecords: Int = 20_000,
        maxBufferedBytes: Int = 32 * 1_048_576,
        commitInterval: Duration = .milliseconds(500),
        retryBaseDelay: Duration = .milliseconds(200),
        retryMaxDelay: Duration = .seconds(30),
        authRetryMaxDelay: Duration = .seconds(60),
        deadLetterRetryMaxDelay: Duration = .seconds(10),
        maxJSONDepth: Int = 512,
        revocationDrainTimeout: Duration = .seconds(12),
        maxRecordsPerSecond: Int? = nil,
        unfetchedPartitionWarning: Duration = .seconds(60)
    ) {
        self.batchMaxItems = batchMaxItems
        self.batchMaxBytes = batchMaxBytes
        self.linger = linger
        self.maxInFlight = maxInFlight
        self.maxBufferedRecords = maxBufferedRecords
        self.maxBufferedBytes = maxBufferedBytes
        self.commitInterval = commitInterval
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
        self.authRetryMaxDelay = authRetryMaxDelay
        self.deadLetterRetryMaxDelay = deadLetterRetryMaxDelay
        self.maxJSONDepth = maxJSONDepth
        self.revocationDrainTimeout = revocationDrainTimeout
        self.maxRecordsPerSecond = maxRecordsPerSecond.map { max(1, $0) }
        self.unfetchedPartitionWarning = unfetchedPartitionWarning
    }

    /// The batch size actually used: never more than the API's 1000 items or one second of the
    /// rate cap, never less than 1.
    var effectiveBatchMaxItems: Int { max(1, min(batchMaxItems, 1000, maxRecordsPerSecond ?? .max)) }
}
