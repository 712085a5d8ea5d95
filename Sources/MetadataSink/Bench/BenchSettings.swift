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
    /// `fetch.wait.max.ms` of the sink in the latency phase only. A real broker answers a fetch
    /// as soon as a record arrives (the wait applies only while there is none, with
    /// `fetch.min.bytes` 1); librdkafka's mock cluster instead holds an empty fetch for the full
    /// wait (its Fetch handler says so: it does not cut the wait short when data is produced), so
    /// with librdkafka's default of 500 ms the phase would measure the mock, not the sink. 10 ms
    /// models the real broker's early answer to within 10 ms. `--sink-setting` overrides it.
    var latencyFetchWaitMilliseconds = 10

    /// Extra settings for the sink, as environment variables (`KAFKA_PROPERTY_FETCH_WAIT_MAX_MS=50`).
    var sinkSettings: [String: String] = [:]
    /// Longest wait for any one phase before the run fails.
    var phaseTimeout: Duration = .seconds(600)

    static let topic = "bench-records"
    static let latencyTopic = "bench-latency"
    static let deadLetterTopic = "bench-records.dlq"
    static let apiID = "bench-id"
    static let apiSecret = "bench-secret"

    /// Runs of (a) and of (b), alternating, whose medians are reported (the sweep's points are
    /// single runs). Five rather than three: a single run of either moves by a fifth with this
    /// machine, and (c) divides one median by the other.
    static let measuredRuns = 5

    /// The sweep: in-flight limits at the default batch size, then batch sizes at the default
    /// in-flight limit.
    static let sweepInFlight = [1, 2, 4, 8]
    static let sweepBatchItems = [100, 500, 1000]

    /// The mock cluster keeps about 5 MB per partition and drops the oldest beyond that.
    static let mockPartitionBytes = 5_000_000

    var latencyRecords: Int { latencyRate * latencySeconds }
}
