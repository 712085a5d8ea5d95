import HTTPClient
import Logging
import Testing

/// Every test runs against its own loopback server and client, so they can run in parallel.
/// The time limit turns a hung transfer (the failure mode of a broken wakeup) into a failure.
@Suite("HTTPClient over loopback", .timeLimit(.minutes(1)))
struct HTTPClientTests {
    @Test("POST body, request headers and response headers round-trip")
    func postRoundTrip() async throws {
        try await withServerAndClient { server, client in
            let body: [UInt8] = Array("hello".utf8) + [0x00, 0xFF, 0x0A, 0x0D]  // NULs must survive
            let response = try await client.execute(
                HTTPRequest(url: server.url("/echo"), headers: [("X-Trace", "abc-123"), ("X-Empty", "")], body: body))
            #expect(response.status == 200)
            #expect(response.body == body)
            #expect(response.header("x-method") == "POST")
            #expect(response.header("X-ECHO-TRACE") == "abc-123")
            #expect(response.header("x-echo-empty") == "")
            #expect(response.header("Content-Type") == "application/octet-stream")
            #expect(response.header("x-saw-expect") == "none")
        }
    }

    @Test("a 503 is a response, not an error, and Retry-After is visible")
    func serviceUnavailable() async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(HTTPRequest(method: "GET", url: server.url("/status/503")))
            #expect(response.status == 503)
            #expect(response.header("retry-after") == "7")
            #expect(response.body == Array("unavailable".utf8))
        }
    }

    @Test("headers of an interim 1xx response are dropped")
    func interimResponse() async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(HTTPRequest(method: "GET", url: server.url("/interim")))
            #expect(response.status == 200)
            #expect(response.header("X-Final") == "yes")
            #expect(response.header("Link") == nil)
            #expect(response.body == Array("final".utf8))
        }
    }

    @Test("methods other than POST, with and without bodies", arguments: [
        ("GET", ""), ("PUT", "put-body"), ("PATCH", "patch-body"), ("DELETE", ""), ("POST", ""),
    ])
    func methods(method: String, body: String) async throws {
        try await withServerAndClient { server, client in
            let response = try await client.execute(
                HTTPRequest(method: method, url: server.url("/echo"), body: Array(body.utf8)))
            #expect(response.status == 200)
            #expect(response.header("x-method") == method)
            #expect(response.body == Array(body.utf8))
        }
    }

    @Test("a multi-megabyte body is sent at once, without Expect: 100-continue")
    func largeBody() async throws {
        try await withServerAndClient { server, client in
            let body = (0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let response = try await client.execute(HTTPRequest(url: server.url("/echo"), body: body))
            #expect(response.status == 200)
            #expect(response.header("x-saw-expect") == "none")
            #expect(response.body == body)
        }
    }

    @Test("sequential requests reuse one keep-alive connection")
    func keepAlive() async throws {
        try await withServerAndClient { server, client in
            for index in 0..<20 {
                let response = try await client.execute(HTTPRequest(url: server.url("/echo"), body: Array("\(index)".utf8)))
                #expect(response.status == 200)
                #expect(response.body == Array("\(index)".utf8))
            }
            #expect(server.acceptedConnections == 1)
        }
    }

    @Test("50 concurrent requests all complete, over at most maxConnections connections")
    func concurrency() async throws {
        try await withServerAndClient(configuration: HTTPClientConfiguration(maxConnections: 8)) { server, client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let body = Array("request-\(index)".utf8)
                        let response = try await client.execute(HTTPRequest(url: server.url("/echo"), body: body))
                        #expect(response.status == 200)
                        #expect(response.body == body)
                    }
                }
                try await group.waitForAll()
            }
            #expect(server.acceptedConnections >= 1)
            #expect(server.acceptedConnections <= 8)
        }
    }

    @Test("connecting to a port nobody listens on fails with .connectionFailed")
    func connectFailure() async throws {
        let closedPort = try ClosedPort()
        try await withClient { client in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(closedPort.port)/echo"))
            }
            #expect(error?.kind == .connectionFailed, "\(String(describing: error))")
        }
        withExtendedLifetime(closedPort) {}
    }

    @Test("a server that never answers hits the total timeout")
    func totalTimeout() async throws {
        let configuration = HTTPClientConfiguration(totalTimeout: .milliseconds(300))
        try await withServerAndClient(configuration: configuration) { server, client in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(method: "GET", url: server.url("/hang")))
            }
            #expect(error?.kind == .timeout, "\(String(describing: error))")
        }
    }

    @Test("cancelling the task aborts the transfer with CancellationError; the client keeps working")
    func cancellation() async throws {
        // A long timeout, so that a broken cancellation shows up as .timeout or a hang, never as success.
        let configuration = HTTPClientConfiguration(totalTimeout: .seconds(120))
        try await withServerAndClient(configuration: configuration) { server, client in
            let slow = Task {
                try await client.execute(HTTPRequest(method: "GET", url: server.url("/hang")))
            }
            await server.waitForRequest(path: "/hang")
            slow.cancel()
            await #expect(throws: CancellationError.self) {
                try await slow.value
            }
            let response = try await client.execute(HTTPRequest(url: server.url("/echo"), body: [1, 2, 3]))
            #expect(response.body == [1, 2, 3])
        }
    }

    @Test("a task cancelled before it starts never sends anything")
    func cancelledBeforeStart() async throws {
        try await withServerAndClient { server, client in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.execute(HTTPRequest(url: server.url("/echo")))
            }
            await #expect(throws: CancellationError.self) {
                try await task.value
            }
            #expect(server.acceptedConnections == 0)
        }
    }

    @Test("shutdown fails requests in flight with .shutdown and rejects later ones")
    func shutdownFailsPending() async throws {
        let server = try await LoopbackServer.start()
        let client = HTTPClient(configuration: HTTPClientConfiguration(totalTimeout: .seconds(120)), logger: LogCapture().makeLogger())
        let pending = Task {
            try await client.execute(HTTPRequest(method: "GET", url: server.url("/hang")))
        }
        await server.waitForRequest(path: "/hang")
        await client.shutdown()

        let inFlightError = await #expect(throws: HTTPClientError.self) {
            try await pending.value
        }
        #expect(inFlightError?.kind == .shutdown)
        let laterError = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: server.url("/echo")))
        }
        #expect(laterError?.kind == .shutdown)
        await client.shutdown()  // idempotent
        try await server.shutdown()
    }

    /// The loopback server cannot speak TLS (no NIOSSL in this target), so this shows that
    /// https:// really negotiates TLS and that the failure maps to .tls; the verification
    /// defaults themselves are asserted on the configuration.
    @Test("verification is on by default, and https to a plain-HTTP server fails with .tls")
    func tlsOnByDefault() async throws {
        #expect(HTTPClientConfiguration().verifyTLS)
        try await withServerAndClient { server, client in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
            }
            #expect(error?.kind == .tls, "\(String(describing: error))")
        }
    }

    @Test("an unusable caFile fails with .tls before anything is trusted")
    func unusableCAFile() async throws {
        let configuration = HTTPClientConfiguration(caFile: "/nonexistent/metadata-sink-test-ca.pem")
        try await withServerAndClient(configuration: configuration) { server, client in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
            }
            #expect(error?.kind == .tls, "\(String(describing: error))")
        }
    }

    @Test("requests that would be mangled or smuggle headers are rejected before sending")
    func invalidRequests() async throws {
        try await withServerAndClient { server, client in
            let requests = [
                HTTPRequest(url: server.url("/echo"), headers: [("X-Injected", "a\r\nX-Evil: 1")]),
                HTTPRequest(url: server.url("/echo"), headers: [("Bad Name", "v")]),
                HTTPRequest(method: "GE T", url: server.url("/echo")),
                HTTPRequest(url: "ftp://127.0.0.1:\(server.port)/file"),
                HTTPRequest(url: server.url("/echo with space")),
            ]
            for request in requests {
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.execute(request)
                }
                #expect(error?.kind == .invalidRequest, "\(String(describing: error))")
            }
            #expect(server.acceptedConnections == 0)
        }
    }

    @Test("logs carry method, URL path and status, never headers, bodies or query strings")
    func logsOmitSecrets() async throws {
        let logs = LogCapture()
        try await withServerAndClient(logger: logs.makeLogger()) { server, client in
            let response = try await client.execute(
                HTTPRequest(
                    url: server.url("/echo?api_key=query-secret-4711"),
                    headers: [("Authorization", "Bearer header-secret-4711")],
                    body: Array("body-secret-4711".utf8)))
            #expect(response.status == 200)
            _ = try? await client.execute(
                HTTPRequest(method: "GET", url: "http://user:password-secret-4711@127.0.0.1:\(server.port)/status/503"))
        }
        let text = logs.text
        #expect(text.contains("/echo"))
        #expect(text.contains("200"))
        #expect(text.contains("503"))
        #expect(!text.contains("secret-4711"), "\(text)")
    }

    @Test("header lookup is case-insensitive and returns the first match")
    func headerLookup() {
        let response = HTTPResponse(status: 200, headers: [("Set-Cookie", "a"), ("set-cookie", "b"), ("X-A", "1")])
        #expect(response.header("SET-COOKIE") == "a")
        #expect(response.header("x-a") == "1")
        #expect(response.header("missing") == nil)
    }
}

// MARK: - Helpers

/// Runs `body` with a fresh client and always shuts it down, also when `body` throws.
private func withClient(
    configuration: HTTPClientConfiguration = .init(),
    logger: Logger = LogCapture().makeLogger(),
    _ body: (HTTPClient) async throws -> Void
) async throws {
    let client = HTTPClient(configuration: configuration, logger: logger)
    do {
        try await body(client)
    } catch {
        await client.shutdown()
        throw error
    }
    await client.shutdown()
}

/// Runs `body` with a fresh loopback server and client and always shuts both down.
private func withServerAndClient(
    configuration: HTTPClientConfiguration = .init(),
    logger: Logger = LogCapture().makeLogger(),
    _ body: (LoopbackServer, HTTPClient) async throws -> Void
) async throws {
    let server = try await LoopbackServer.start()
    do {
        try await withClient(configuration: configuration, logger: logger) { client in
            try await body(server, client)
        }
    } catch {
        try? await server.shutdown()
        throw error
    }
    try await server.shutdown()
}
