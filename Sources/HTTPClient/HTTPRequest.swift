/// A single HTTP request, fully buffered: the sink always knows the whole payload up front.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Sent in order. Values may carry secrets, so they are never logged.
    public var headers: [(name: String, value: String)]
    /// Never logged: may contain PII.
    public var body: [UInt8]

    public init(
        method: String = "POST",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
