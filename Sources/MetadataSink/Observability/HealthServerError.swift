/// Why the health and metrics server did not start.
enum HealthServerError: Error, Sendable, CustomStringConvertible {
    case alreadyStarted
    case stopped
    case cannotListen(host: String, port: Int, reason: String)

    var description: String {
        switch self {
        case .alreadyStarted:
            "the health server was already started"
        case .stopped:
            "the health server was stopped"
        case .cannotListen(let host, let port, let reason):
            "cannot serve health and metrics on \(host):\(port) (HTTP_PORT): \(reason)"
        }
    }
}
