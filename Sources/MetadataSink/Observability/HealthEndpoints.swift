import Pipeline
import Prometheus

/// What the health and metrics server answers, apart from the HTTP plumbing:
///
/// - `GET /livez`: 200 `ok` while the process serves at all (Kubernetes restarts it otherwise).
/// - `GET /readyz`: 200 `ready` when `SinkHealth` says so, else 503 with one reason per line.
/// - `GET /metrics`: Prometheus text exposition of the registry.
///
/// `HEAD` is answered like `GET` without a body; other methods get 405, other paths 404.
struct HealthEndpoints: Sendable {
    struct Response: Sendable, Equatable {
        var status: Int
        var contentType: String
        var body: [UInt8]
    }

    static let textContentType = "text/plain; charset=utf-8"
    /// The version Prometheus negotiates for text exposition.
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    let health: SinkHealth
    let registry: PrometheusCollectorRegistry

    func respond(method: String, uri: String) -> Response {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        switch path {
        case "/livez", "/readyz", "/metrics":
            guard method == "GET" || method == "HEAD" else {
                return Self.text(405, "method not allowed\n")
            }
        default:
            return Self.text(404, "not found\n")
        }
        switch path {
        case "/livez":
            return Self.text(200, "ok\n")
        case "/readyz":
            let snapshot = health.snapshot
            if snapshot.isReady {
                return Self.text(200, "ready\n")
            }
            return Self.text(503, snapshot.reasons.map { $0 + "\n" }.joined())
        default:
            return Response(status: 200, contentType: Self.metricsContentType, body: registry.emitToBuffer())
        }
    }

    private static func text(_ status: Int, _ body: String) -> Response {
        Response(status: status, contentType: textContentType, body: Array(body.utf8))
    }
}
