import Metrics
import Prometheus
import Synchronization

/// Sets up swift-metrics for the process: every `Counter`, `Gauge`, `Recorder` and `Timer` the
/// sink creates (see `SinkMetrics`) lands in one Prometheus registry, which `/metrics` serves.
///
/// swift-metrics can be bootstrapped once per process; later calls return the registry of the
/// first one, so the command and tests can call this freely.
enum MetricsBootstrap {
    private static let installed = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps on the first call; returns the registry `/metrics` must serve.
    @discardableResult
    static func bootstrap() -> PrometheusCollectorRegistry {
        installed.withLock { installed in
            if let installed { return installed }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(makeFactory(registry: registry))
            installed = registry
            return registry
        }
    }

    /// A factory with buckets fitted to what the sink measures; swift-prometheus's defaults
    /// (5 ms…10 s, 5…10000) would put most batch sizes and every slow request in one bucket.
    static func makeFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["metadata_sink_api_request_duration_seconds"] = requestDurationBuckets
        factory.valueHistogramBuckets["metadata_sink_batch_items"] = batchItemBuckets
        factory.valueHistogramBuckets["metadata_sink_batch_bytes"] = batchByteBuckets
        return factory
    }

    /// API request durations: from a fast loopback answer to the client's 30 s timeout.
    static let requestDurationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10), .seconds(30),
    ]

    /// Items per request: the API takes 1…1000.
    static let batchItemBuckets: [Double] = [1, 5, 10, 25, 50, 100, 250, 500, 750, 1000]

    /// Bytes per request body: 1 KiB…2 MiB (the default `BATCH_MAX_BYTES` is 1 MiB).
    static let batchByteBuckets: [Double] = [1024, 4096, 16384, 65536, 262_144, 524_288, 1_048_576, 2_097_152]
}
