public enum HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// The connect or total timeout elapsed.
    case timeout(String)
    /// Name resolution, connect, or the connection broke before a full response arrived.
    case connectionFailed(String)
    /// Handshake or certificate verification failed, or the CA file could not be used.
    case tls(String)
    /// The request was rejected before anything was sent (bad method, header, or URL).
    case invalidRequest(String)
    /// The client was shut down before or while the request ran.
    case shutdown
    /// Any other libcurl failure; `code` is the `CURLcode`.
    case transport(code: Int, message: String)

    public var description: String {
        switch self {
        case .timeout(let message): "timeout: \(message)"
        case .connectionFailed(let message): "connection failed: \(message)"
        case .tls(let message): "TLS error: \(message)"
        case .invalidRequest(let message): "invalid request: \(message)"
        case .shutdown: "HTTP client is shut down"
        case .transport(let code, let message): "transport error \(code): \(message)"
        }
    }
}
