import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A complete request as the HTTP handler hands it over.
struct EmulatorHTTPRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    var headers: HTTPHeaders
    var body: [UInt8]
    /// The body exceeded the size limit and was discarded while reading.
    var bodyTooLarge: Bool

    /// The path without query string.
    var path: Substring {
        uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    }
}

/// The answer, and how long to hold it back (the latency fault).
struct EmulatorHTTPResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8]
    var delay: Duration = .zero
    /// A long poll (`/_emulator/wait`): the answer is `EmulatorService.answerWait` of these,
    /// once the condition holds or the timeout has passed, instead of this response.
    var awaiting: (condition: EmulatorState.Condition, timeout: Duration)?
}

/// The emulator's behaviour, independent of the network: routing, authentication, faults,
/// validation and the logs. All state lives in one `Mutex`; the CPU-heavy parts (parsing and
/// validating bodies) run outside it so concurrent connections do not queue on the lock.
final class EmulatorService: Sendable {
    let state: Mutex<EmulatorState>
    let logger: Logger
    /// Reference point for the relative timestamps of the admin endpoints.
    let createdAt: ContinuousClock.Instant
    /// `createdAt` on the real-time clock, so arrival times can be reported as wall-clock times
    /// that other processes can compare with their own.
    let createdAtUnixMicroseconds: Int64
    /// Accepted connections, so shutdown can close them (closing the listening socket does not).
    let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    init(settings: EmulatorState.Settings, logger: Logger) {
        self.state = Mutex(EmulatorState(settings: settings))
        self.logger = logger
        self.createdAt = .now
        self.createdAtUnixMicroseconds = WallClock.nowMicroseconds()
    }

    static let adminPrefix = "/_emulator/"

    /// Admin bodies are small JSON documents; they get a fixed limit so that shrinking the API's
    /// limit can never lock out the admin endpoint that would restore it.
    static let adminMaxBodyBytes = 1 << 20

    func maxBodyBytes(forURI uri: String) -> Int {
        if uri.hasPrefix(Self.adminPrefix) { return Self.adminMaxBodyBytes }
        return state.withLock { $0.settings.maxBodyBytes }
    }

    func handle(_ request: EmulatorHTTPRequest, now: ContinuousClock.Instant) -> EmulatorHTTPResponse {
        let path = request.path
        if path.hasPrefix(Self.adminPrefix) {
            return handleAdmin(request, path: path, now: now)
        }
        let endpoint: IngestionEndpoint
        switch path {
        case MetadataIngestionAPI.manyCustomerMetadataPath: endpoint = .many
        case MetadataIngestionAPI.singleCustomerMetadataPath: endpoint = .single
        default:
            return recordUnrouted(request, status: 404, now: now)
        }
        guard request.method == .POST else {
            return recordUnrouted(request, status: 405, now: now)
        }
        return handleIngestion(request, endpoint: endpoint, now: now)
    }

    /// 404 and 405 are logged as requests too (a sink calling a wrong URL should show up), but
    /// consume no scripted fault.
    private func recordUnrouted(_ request: EmulatorHTTPRequest, status: Int, now: ContinuousClock.Instant) -> EmulatorHTTPResponse {
        let waiters = state.withLock { state in
            let index = state.nextRequestIndex
            state.nextRequestIndex += 1
            let record = EmulatorRequestRecord(
                index: index, receivedAt: now, method: request.method.rawValue, path: String(request.path),
                status: status, itemCount: 0, acceptedCount: 0, refusedCount: 0, retryAfter: nil
            )
            return state.record(record, accepted: EmulatorAcceptedLog())
        }
        resume(waiters)
        logger.debug("emulator answered", metadata: ["method": "\(request.method.rawValue)", "path": "\(request.path)", "status": "\(status)"])
        var response = Self.errorResponse(status: status)
        if status == 405 {
            response.headers.append(("allow", "POST"))
        }
        return response
    }

    // MARK: Responses

    static func errorResponse(status: Int, message: String? = nil, retryAfter: String? = nil) -> EmulatorHTTPResponse {
        let body = APIErrorBody(
            requestId: RandomIdentifier.uuidLike(),
            code: "\(status)-01",
            message: message ?? defaultMessage(for: status)
        )
        var headers: [(String, String)] = []
        if let retryAfter {
            headers.append(("retry-after", retryAfter))
        }
        return EmulatorHTTPResponse(status: status, headers: headers, body: body.jsonValue().serialized())
    }

    static func jsonResponse(status: Int = 200, _ value: JSONValue) -> EmulatorHTTPResponse {
        EmulatorHTTPResponse(status: status, body: value.serialized())
    }

    /// The messages of the spec's error examples, and HTTP reason phrases for the rest.
    static func defaultMessage(for status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden Response"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Request Entity Too Large"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal server error"
        case 503: "Service Unavailable"
        default: HTTPResponseStatus(statusCode: status).reasonPhrase
        }
    }

    // MARK: Waiting

    func wait(for condition: EmulatorState.Condition) async throws {
        let id = state.withLock { $0.makeWaiterID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if state.isShutDown { return .failure(EmulatorError.shutDown) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if condition.isMet(by: state.stats) { return .success(()) }
                    state.waiters.append(EmulatorState.Waiter(id: id, condition: condition, continuation: continuation))
                    return nil
                }
                if let outcome {
                    continuation.resume(with: outcome)
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.removeWaiter(id: id) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    func resume(_ continuations: [CheckedContinuation<Void, any Error>]) {
        for continuation in continuations {
            continuation.resume()
        }
    }

    func failAllWaiters() {
        let waiters = state.withLock { state in
            state.isShutDown = true
            return state.takeAllWaiters()
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: EmulatorError.shutDown)
        }
    }

    // MARK: Connections

    func connectionOpened(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        connections.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = connections.withLock { $0.removeValue(forKey: id) }
        }
    }

    func openConnections() -> [any Channel] {
        connections.withLock { Array($0.values) }
    }
}

enum IngestionEndpoint: Sendable {
    case many
    case single
}
