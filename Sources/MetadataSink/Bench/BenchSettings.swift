/// What one benchmark run measures, from `metadata-sink bench`'s options.
struct BenchSettings: Sendable {
    var records = 400_000
    var partitions: Int32 = 64
    var recordBytes = 400
    var batchItems = 1000
    var maxInFlight = 4
    var lingerMilliseconds = 100
    var latencyRate = 1000
    var latencySeconds = 10
    /// Records of the latency phase's first second are produced but not counted: they include
    /// the sink's first fetch of each partition and its first connection to the API.
    var latencyWarmUpSeconds = 1
    var sweep = false
    /// Extra settings for the sink, as environment variables (`KAFKA_PROPERTY_FETCH_WAIT_MAX_MS=50`).
    var sinkSettings: [String: String] = [:]
    /// Longest wait for any one phase before the run fails.
    var phaseTimeout: Duration = .seconds(600)

    static let topic = "bench-records"
    static let latencyTopic = "bench-latency"
    static let deadLetterTopic = "bench-records.dlq"
    static let apiID = "bench-id"
    static let apiSecret = "bench-secret"

    /// The sweep: in-flight limits at the default batch size, then batch sizes at the default
    /// in-flight limit.
    static let sweepInFlight = [1, 2, 4, 8]
    static let sweepBatchItems = [100, 500, 1000]

    /// The mock cluster keeps about 5 MB per partition and drops the oldest beyond that.
    static let mockPartitionBytes = 5_000_000

    var latencyRecords: Int { latencyRate * latencySeconds }
}
