import CCurl
import Logging

/// An HTTP/1.1 and HTTP/2 client on libcurl's multi interface.
///
/// All requests share one dedicated thread and one curl multi handle, so connections are
/// kept alive and reused across requests. Call `shutdown()` before dropping the client.
public final class HTTPClient: Sendable {
    private let logger: Logger
    private let queue: CurlRequestQueue
    private let thread: CurlTransferThread

    public init(configuration: HTTPClientConfiguration = .init(), logger: Logger) {
        let globalInit = CCurl_global_init_once()
        // Fails only on allocation failure or a broken TLS library; nothing can work then.
        precondition(globalInit == CURLE_OK, "curl_global_init failed: \(String(cString: curl_easy_strerror(globalInit)))")
        guard let multi = CurlMultiHandle(maxConnections: configuration.maxConnections) else {
            fatalError("HTTPClient: curl_multi_init failed (out of memory)")
        }
        self.logger = logger
        let queue = CurlRequestQueue(wakeup: multi.wakeup)
        self.queue = queue
        let loop = CurlTransferLoop(multi: multi, queue: queue, configuration: configuration, logger: logger)
        thread = CurlTransferThread(name: "HTTPClient") { loop.run() }
    }

    deinit {
        // Forgotten shutdown(): still stop the loop so its sockets and thread do not leak.
        // A deinit cannot wait, so the thread is detached instead of joined.
        queue.beginShutdown()
        thread.detach()
    }

    /// Sends `request` and returns the final response, whatever its status code.
    ///
    /// - Throws: `HTTPClientError`, or `CancellationError` if the task is cancelled
    ///   (the transfer is aborted at once).
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let start = ContinuousClock.now
        do {
            try request.validate()
            let id = queue.makeID()
            let response = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    queue.submit(CurlSubmission(id: id, request: request, continuation: continuation))
                }
            } onCancel: { [queue] in
                queue.cancel(id: id)
            }
            // Headers and body are deliberately never logged: they carry secrets and PII.
            logger.debug(
                "HTTP request completed",
                metadata: [
                    "http.method": "\(request.method)",
                    "http.url": "\(request.redactedURL)",
                    "http.status": "\(response.status)",
                    "http.duration": "\(ContinuousClock.now - start)",
                ])
            return response
        } catch {
            logger.debug(
                "HTTP request failed",
                metadata: [
                    "http.method": "\(request.method)",
                    "http.url": "\(request.redactedURL)",
                    "http.duration": "\(ContinuousClock.now - start)",
                    "error": "\(error)",
                ])
            throw error
        }
    }

    /// Fails all outstanding requests with `HTTPClientError.shutdown`, releases every curl
    /// handle and joins the transfer thread. Idempotent; later `execute` calls throw `.shutdown`.
    public func shutdown() async {
        queue.beginShutdown()
        await queue.waitUntilFinished()
        // The loop resumed us as its very last step, so this join returns almost at once;
        // it makes "shutdown returned" mean "the thread is gone".
        thread.join()
    }
}
