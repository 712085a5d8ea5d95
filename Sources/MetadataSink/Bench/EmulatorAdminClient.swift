import HTTPClient
import IngestionAPI

/// The emulator's `/_emulator/` admin endpoints, for a benchmark running it as another process.
struct EmulatorAdminClient: Sendable {
    let baseURL: String
    let http: HTTPClient

    func stats() async throws -> JSONValue {
        try await call("GET", "stats")
    }

    /// Waits until the emulator has accepted `count` items since the last reset, or `timeout`
    /// has passed (a long poll, at most a minute); whether it has.
    func waitForAcceptedItems(_ count: Int, timeout: Duration) async throws -> Bool {
        try await call("GET", "wait?acceptedItems=\(count)&timeoutMs=\(timeout.wholeMilliseconds)")["met"] == .bool(true)
    }

    /// Clears the request log, the accepted items and the counters.
    func reset() async throws {
        _ = try await call("POST", "reset")
    }

    /// Every request answered since the last reset (index, `receivedAtUnixMicros`, counts).
    func requests() async throws -> [JSONValue] {
        try await call("GET", "requests")["requests"]?.arrayValue ?? []
    }

    /// Every accepted item since the last reset, with its request index and eventId.
    func acceptedItems() async throws -> [JSONValue] {
        try await call("GET", "accepted?items=true")["items"]?.arrayValue ?? []
    }

    private func call(_ method: String, _ route: String) async throws -> JSONValue {
        let response = try await http.execute(HTTPRequest(method: method, url: "\(baseURL)/_emulator/\(route)"))
        guard response.status == 200 else {
            throw BenchError("emulator /_emulator/\(route) answered \(response.status)")
        }
        return try JSONParser.parse(response.body)
    }
}
