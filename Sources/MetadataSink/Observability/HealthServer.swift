import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Pipeline
import Prometheus
import ServiceLifecycle
import Synchronization

/// The sink's health and metrics endpoints (`/livez`, `/readyz`, `/metrics`, see
/// `HealthEndpoints`) on a small SwiftNIO HTTP/1.1 server.
///
/// As a swift-service-lifecycle `Service`, `run()` serves until graceful shutdown or
/// cancellation. A `ServiceGroup` shuts its services down in reverse order, so list this one
/// first: it then keeps answering probes and scrapes while the pipeline drains, and stops last.
/// Call `start()` before `run()` to learn the bound port (useful with port 0).
final class HealthServer: Service, Sendable {
    private let host: String
    private let requestedPort: Int
    private let endpoints: HealthEndpoints
    private let logger: Logger
    private let group: any EventLoopGroup
    private let connections = OpenConnections()
    private let state = Mutex<State>(.idle)

    private enum State: Sendable {
        case idle
        case starting
        case running(any Channel)
        case stopped
    }

    /// - Parameters:
    ///   - host: the address to listen on; all interfaces by default, since probes and scrapes
    ///     come from outside the pod.
    ///   - port: `HTTP_PORT`; 0 picks a free port (see `start()` and the log line).
    init(
        host: String = "0.0.0.0",
        port: Int,
        health: SinkHealth,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.host = host
        self.requestedPort = port
        self.endpoints = HealthEndpoints(health: health, registry: registry)
        self.logger = logger
        self.group = eventLoopGroup
    }

    /// Starts listening and returns the bound port. A server can be started once.
    @discardableResult
    func start() async throws -> Int {
        try state.withLock { state in
            guard case .idle = state else { throw HealthServerError.alreadyStarted }
            state = .starting
        }
        let endpoints = self.endpoints
        let connections = self.connections
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(HealthHTTPHandler(endpoints: endpoints))
                        connections.add(channel)
                    }
                }
                .bind(host: host, port: requestedPort)
                .get()
        } catch {
            state.withLock { $0 = .idle }
            throw HealthServerError.cannotListen(host: host, port: requestedPort, reason: String(describing: error))
        }
        let stoppedMeanwhile = state.withLock { state in
            guard case .starting = state else { return true }
            state = .running(channel)
            return false
        }
        if stoppedMeanwhile {
            try? await channel.close()
            throw HealthServerError.stopped
        }
        let port = channel.localAddress?.port ?? requestedPort
        logger.info("health and metrics server listening", metadata: ["host": "\(host)", "port": "\(port)"])
        return port
    }

    /// The bound port while running.
    var port: Int? {
        state.withLock { state in
            if case .running(let channel) = state { return channel.localAddress?.port }
            return nil
        }
    }

    /// Serves until graceful shutdown or cancellation (starting first if `start()` was not called).
    func run() async throws {
        let current: (any Channel)? = state.withLock { state in
            if case .running(let channel) = state { return channel }
            return nil
        }
        let channel: any Channel
        if let current {
            channel = current
        } else {
            try await start()
            guard case .running(let started) = state.withLock({ $0 }) else { return }
            channel = started
        }
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            channel.close(promise: nil)
        }
        await shutdown()
    }

    /// Stops listening and closes open connections. Idempotent.
    func shutdown() async {
        let channel: (any Channel)? = state.withLock { state in
            defer { state = .stopped }
            if case .running(let channel) = state { return channel }
            return nil
        }
        guard let channel else { return }
        try? await channel.close()
        for connection in connections.takeAll() {
            try? await connection.close()
        }
        logger.info("health and metrics server stopped")
    }
}
