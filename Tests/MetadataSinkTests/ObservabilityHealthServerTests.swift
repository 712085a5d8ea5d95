import Logging
import Metrics
import Pipeline
import Prometheus
import ServiceLifecycle
import Testing
@testable import MetadataSink

@Suite("Observability: health and metrics server over loopback HTTP")
struct ObservabilityHealthServerTests {
    /// A server on a free loopback port; stopped by the test.
    ///
    /// Tests that check the port is closed afterwards use a loopback address of their own, so
    /// that a server another test starts meanwhile on 127.0.0.1 cannot answer in its place.
    func startServer(host: String = "127.0.0.1", health: SinkHealth, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) async throws -> (HealthServer, Int) {
        let server = HealthServer(host: host, port: 0, health: health, registry: registry, logger: Logger(label: "test.health"))
        let port = try await server.start()
        #expect(port > 0)
        #expect(server.port == port)
        return (server, port)
    }

    @Test("/livez answers ok")
    func livez() async throws {
        let (server, port) = try await startServer(health: SinkHealth())
        let response = try LoopbackHTTP.request(port: port, path: "/livez")
        #expect(response.status == 200)
        #expect(response.body == "ok\n")
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        await server.shutdown()
    }

    @Test("/readyz follows SinkHealth, with the reasons when not ready")
    func readyz() async throws {
        let health = SinkHealth()
        let (server, port) = try await startServer(health: health)

        var response = try LoopbackHTTP.request(port: port, path: "/readyz")
        #expect(response.status == 503)
        #expect(response.body == "consumer has not joined its group\n")

        health.setJoinedGroup(true)
        response = try LoopbackHTTP.request(port: port, path: "/readyz")
        #expect(response.status == 200)
        #expect(response.body == "ready\n")

        health.setAPIRefusesCredentials(true)
        health.setDeadLetterUnwritable(true)
        response = try LoopbackHTTP.request(port: port, path: "/readyz?verbose=1")
        #expect(response.status == 503)
        #expect(response.body == "API refuses the credentials\ndead-letter topic cannot be written\n")

        health.setAPIRefusesCredentials(false)
        health.setDeadLetterUnwritable(false)
        #expect(try LoopbackHTTP.request(port: port, path: "/readyz").status == 200)
        await server.shutdown()
    }

    @Test("/metrics serves what was recorded through swift-metrics, with the sink's buckets")
    func metrics() async throws {
        let registry = MetricsBootstrap.bootstrap()
        #expect(MetricsBootstrap.bootstrap() === registry, "bootstrapping again returns the same registry")
        let (server, port) = try await startServer(health: SinkHealth(), registry: registry)

        Counter(label: "metadata_sink_test_records_total", dimensions: [("stage", "decode")]).increment(by: 3)
        Recorder(label: "metadata_sink_batch_items").record(7)
        Timer(label: "metadata_sink_api_request_duration_seconds").recordMilliseconds(40)

        let response = try LoopbackHTTP.request(port: port, path: "/metrics")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let lines = Set(response.body.split(separator: "\n").map(String.init))
        #expect(lines.contains(#"metadata_sink_test_records_total{stage="decode"} 3"#), "\(response.body)")
        #expect(lines.contains(#"metadata_sink_batch_items_bucket{le="1000.0"} 1"#) || lines.contains(#"metadata_sink_batch_items_bucket{le="1000"} 1"#), "\(response.body)")
        #expect(response.body.contains(#"metadata_sink_api_request_duration_seconds_bucket{le="30.0"}"#), "\(response.body)")
        await server.shutdown()
    }

    @Test("HEAD, unknown paths and other methods")
    func otherRequests() async throws {
        let (server, port) = try await startServer(health: SinkHealth())
        let head = try LoopbackHTTP.request("HEAD", port: port, path: "/livez")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["content-length"] == "3")
        #expect(try LoopbackHTTP.request(port: port, path: "/").status == 404)
        let post = try LoopbackHTTP.request("POST", port: port, path: "/readyz")
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        await server.shutdown()
    }

    @Test("run() serves until cancelled, then stops listening")
    func runAsService() async throws {
        let (server, port) = try await startServer(host: "127.0.0.2", health: SinkHealth())
        let running = Task { try await server.run() }
        #expect(try LoopbackHTTP.request(host: "127.0.0.2", port: port, path: "/livez").status == 200)
        running.cancel()
        try await running.value
        #expect(server.port == nil)
        #expect(throws: LoopbackHTTPError.self) { try LoopbackHTTP.request(host: "127.0.0.2", port: port, path: "/livez") }
    }

    @Test("in a ServiceGroup, graceful shutdown stops the server")
    func gracefulShutdown() async throws {
        let (server, port) = try await startServer(host: "127.0.0.3", health: SinkHealth())
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], cancellationSignals: [], logger: Logger(label: "test.group"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(try LoopbackHTTP.request(host: "127.0.0.3", port: port, path: "/livez").status == 200)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(server.port == nil)
        #expect(throws: LoopbackHTTPError.self) { try LoopbackHTTP.request(host: "127.0.0.3", port: port, path: "/livez") }
    }

    @Test("a port already in use is reported with HTTP_PORT named")
    func portInUse() async throws {
        let (first, port) = try await startServer(health: SinkHealth())
        let second = HealthServer(host: "127.0.0.1", port: port, health: SinkHealth(), registry: PrometheusCollectorRegistry(), logger: Logger(label: "test"))
        let error = await #expect(throws: HealthServerError.self) { try await second.start() }
        #expect(error.map { "\($0)" }?.contains("(HTTP_PORT)") == true)
        await first.shutdown()
    }
}
