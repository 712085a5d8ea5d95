/// A request handed from `HTTPClient.execute` to the transfer thread.
/// Whoever removes it from `CurlRequestQueue` owns the continuation and must resume it once.
struct CurlSubmission: Sendable {
    let id: UInt64
    let request: HTTPRequest
    let continuation: CheckedContinuation<HTTPResponse, any Error>
}
