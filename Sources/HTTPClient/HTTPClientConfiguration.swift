public struct HTTPClientConfiguration: Sendable {
    /// Limit for TCP connect plus TLS handshake.
    public var connectTimeout: Duration = .seconds(5)
    /// Limit for the whole request: connect, send, wait for and receive the response.
    public var totalTimeout: Duration = .seconds(30)
    /// Only for development against self-signed endpoints; never disable in production.
    public var verifyTLS: Bool = true
    /// PEM bundle to trust instead of the system store, e.g. a private CA.
    public var caFile: String? = nil
    /// Upper bound on open connections, in total and per host.
    public var maxConnections: Int = 8

    public init(
        connectTimeout: Duration = .seconds(5),
        totalTimeout: Duration = .seconds(30),
        verifyTLS: Bool = true,
        caFile: String? = nil,
        maxConnections: Int = 8
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.verifyTLS = verifyTLS
        self.caFile = caFile
        self.maxConnections = maxConnections
    }
}
