/// Failures the emulator can be told to produce, to exercise the sink's retry and back-off paths.
public enum EmulatorFault {
    /// One scripted answer: the status to return instead of processing the request, and the
    /// `Retry-After` header value to send with it, if any (seconds or an HTTP date, sent verbatim).
    public struct Status: Sendable, Equatable, CustomStringConvertible {
        public var status: Int
        public var retryAfter: String?

        public init(_ status: Int, retryAfter: String? = nil) {
            self.status = status
            self.retryAfter = retryAfter
        }

        public var description: String {
            retryAfter.map { "\(status) (Retry-After: \($0))" } ?? "\(status)"
        }
    }
}
