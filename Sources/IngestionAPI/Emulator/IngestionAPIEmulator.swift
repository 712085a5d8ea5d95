import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An in-process HTTP/1.1 server that behaves like the Metadata Ingestion API's two customer
/// endpoints (see `shared/spec`), for tests, the demo, and `metadata-sink emulator`.
///
/// It authenticates with `asapp-api-id` / `asapp-api-secret`, validates items with
/// `CustomerMetadataValidator`, answers per item as the spec describes, and can be scripted to
/// fail: a sequence of statuses (with `Retry-After`), an outage, added latency, a business rule,
/// a body size limit. It records every request and every accepted item.
///
/// This is a test tool. Its `/_emulator/` admin endpoints are unauthenticated and let anyone
/// read the received data and change the credentials; never expose it outside a test network.
public final class IngestionAPIEmulator: Sendable {
    let service: EmulatorService
    private let logger: Logger
    private let group: any EventLoopGroup
    private let server = Mutex<ServerState>(.idle)

    private enum ServerState: Sendable {
        case idle
        case starting
        case running(channel: any Channel, baseURL: String)
        case stopped
    }

    /// - Parameter eventLoopGroup: where connections are served; NIO's shared singleton group by
    ///   default, which the emulator never shuts down.
    public init(
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "ingestion-api-emulator"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.service = EmulatorService(settings: configuration.settings, logger: logger)
        self.logger = logger
        self.group = eventLoopGroup
    }

    // MARK: Lifecycle

    /// Starts listening and returns the base URL, e.g. `http://127.0.0.1:54321`. Port 0 picks a
    /// free port. An emulator can be started once.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> String {
        try server.withLock { state in
            guard case .idle = state else { throw EmulatorError.alreadyStarted }
            state = .starting
        }
        let service = self.service
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(EmulatorHTTPHandler(service: service))
                        service.connectionOpened(channel)
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            server.withLock { $0 = .idle }
            throw error
        }
        let boundPort = channel.localAddress?.port ?? port
        let urlHost = host.contains(":") ? "[\(host)]" : host
        let baseURL = "http://\(urlHost):\(boundPort)"
        let shutDownMeanwhile = server.withLock { state in
            guard case .starting = state else { return true }
            state = .running(channel: channel, baseURL: baseURL)
            return false
        }
        if shutDownMeanwhile {
            try? await channel.close()
            throw EmulatorError.shutDown
        }
        logger.info("ingestion API emulator listening", metadata: ["url": "\(baseURL)"])
        return baseURL
    }

    /// The base URL while running.
    public var baseURL: String? {
        server.withLock { state in
            if case .running(_, let baseURL) = state { return baseURL }
            return nil
        }
    }

    /// The bound port while running.
    public var port: Int? {
        server.withLock { state in
            if case .running(let channel, _) = state { return channel.localAddress?.port }
            return nil
        }
    }

    /// Suspends until the server stops (after `shutdown()`; at once if it already has), for
    /// running the emulator in the foreground of a process.
    public func runUntilShutdown() async throws {
        let channel: (any Channel)? = try server.withLock { state in
            switch state {
            case .running(let channel, _): return channel
            case .stopped: return nil
            case .idle, .starting: throw EmulatorError.notRunning
            }
        }
        try await channel?.closeFuture.get()
    }

    /// Stops listening, closes open connections, and fails pending `wait…` calls. Idempotent.
    public func shutdown() async throws {
        let channel: (any Channel)? = server.withLock { state in
            defer { state = .stopped }
            if case .running(let channel, _) = state { return channel }
            return nil
        }
        service.failAllWaiters()
        guard let channel else { return }
        try? await channel.close()
        for connection in service.openConnections() {
            try? await connection.close()
        }
        logger.info("ingestion API emulator stopped")
    }

    // MARK: Faults and settings

    /// The next `statuses.count` API requests are answered with these statuses, in order, instead
    /// of being processed. Replaces any sequence not yet used up.
    public func setStatusSequence(_ statuses: [EmulatorFault.Status]) {
        service.state.withLock { $0.statusSequence = statuses }
    }

    /// Every API request is answered with `status` until `duration` has passed.
    public func setOutage(status: Int = 503, for duration: Duration, retryAfter: String? = nil) {
        let until = ContinuousClock.now + duration
        service.state.withLock { $0.setOutage(status: status, retryAfter: retryAfter, until: until) }
    }

    /// Ends an outage early.
    public func clearOutage() {
        service.state.withLock { $0.outage = nil }
    }

    /// Delays every API response by `latency` (`.zero` for none).
    public func setLatency(_ latency: Duration) {
        service.state.withLock { $0.settings.latency = latency }
    }

    /// Refuse schema-valid items whose `externalCustomerId` starts with `prefix`; nil turns the
    /// business rule off.
    public func setBusinessRulePrefix(_ prefix: String?) {
        service.state.withLock { $0.settings.businessRulePrefix = prefix }
    }

    public func setCredentials(id: String, secret: String) {
        service.state.withLock { state in
            state.settings.apiID = id
            state.settings.apiSecret = secret
        }
    }

    public func setMaxBodyBytes(_ bytes: Int) {
        service.state.withLock { $0.settings.maxBodyBytes = bytes }
    }

    /// Answer every item with success without validation (benchmarks).
    public func setFastMode(_ enabled: Bool) {
        service.state.withLock { $0.settings.fastMode = enabled }
    }

    public func setRecordItemBytes(_ enabled: Bool) {
        service.state.withLock { $0.settings.recordItemBytes = enabled }
    }

    /// Clears logs, counters and faults and restores the initial configuration.
    public func reset() {
        service.state.withLock { $0.reset() }
    }

    // MARK: What was received

    public var stats: EmulatorStats {
        service.state.withLock { $0.stats }
    }

    /// Every API request answered, in arrival order.
    public func requests() -> [EmulatorRequestRecord] {
        service.state.withLock { $0.requests }
    }

    /// Every item accepted, in the order the requests finished.
    public func acceptedItems() -> [EmulatorAcceptedItem] {
        service.state.withLock { $0.accepted }.items
    }

    public func acceptedEventIds() -> [String] {
        service.state.withLock { $0.accepted }.eventIds
    }

    /// Suspends until at least `count` items have been accepted (counted since the last reset).
    /// Throws `CancellationError` when the task is cancelled (wrap it in your own timeout), and
    /// `EmulatorError.shutDown` when the emulator stops first.
    public func waitForAcceptedItems(count: Int) async throws {
        try await service.wait(for: .acceptedItems(count))
    }

    /// Suspends until at least `count` API requests have been answered.
    public func waitForRequests(count: Int) async throws {
        try await service.wait(for: .requests(count))
    }
}
