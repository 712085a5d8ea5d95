import CCurl
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The body of the transfer thread: owns the multi handle and every easy handle and drives
/// them with curl_multi_perform / curl_multi_poll until shutdown.
///
/// Not Sendable on purpose: it is created on the caller's thread, handed to the transfer
/// thread once, and from then on only touched there, as libcurl requires.
final class CurlTransferLoop {
    private struct ActiveTransfer {
        let id: UInt64
        let handle: CurlEasyHandle
        let continuation: CheckedContinuation<HTTPResponse, any Error>
    }

    private let multi: CurlMultiHandle
    private let queue: CurlRequestQueue
    private let configuration: HTTPClientConfiguration
    private let logger: Logger
    /// Keyed by the `CURL *` because that is what curl_multi_info_read reports.
    private var active: [UnsafeMutableRawPointer: ActiveTransfer] = [:]
    private var activeByID: [UInt64: UnsafeMutableRawPointer] = [:]
    /// Reset easy handles for reuse; saves re-allocating them and keeps their TLS session cache.
    private var idleHandles: [CurlEasyHandle] = []
    private let maxIdleHandles: Int

    /// Only a safety net: submissions, cancellations and shutdown all call curl_multi_wakeup,
    /// and curl shortens the wait itself whenever one of its timers is due.
    private static let pollTimeoutMilliseconds: Int32 = 1000

    init(multi: CurlMultiHandle, queue: CurlRequestQueue, configuration: HTTPClientConfiguration, logger: Logger) {
        self.multi = multi
        self.queue = queue
        self.configuration = configuration
        self.logger = logger
        maxIdleHandles = max(1, configuration.maxConnections)
    }

    func run() {
        while true {
            let batch = queue.drain()
            if batch.isShuttingDown {
                tearDown(failing: batch.submissions)
                return
            }
            for submission in batch.submissions {
                start(submission)
            }
            for id in batch.cancellations {
                cancel(id: id)
            }

            let performCode = multi.perform()
            if performCode != CURLM_OK {
                logger.error("curl_multi_perform failed", metadata: ["error": "\(Self.describe(performCode))"])
            }
            completeFinishedTransfers()

            let pollCode = multi.poll(timeoutMilliseconds: Self.pollTimeoutMilliseconds)
            if pollCode != CURLM_OK {
                logger.error("curl_multi_poll failed", metadata: ["error": "\(Self.describe(pollCode))"])
                // A persistent poll failure would otherwise turn this loop into a busy spin.
                var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
                nanosleep(&pause, nil)
            }
        }
    }

    private func start(_ submission: CurlSubmission) {
        guard let handle = idleHandles.popLast() ?? CurlEasyHandle() else {
            submission.continuation.resume(
                throwing: HTTPClientError.transport(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_easy_init failed"))
            return
        }
        do {
            try handle.prepare(submission.request, configuration: configuration)
        } catch {
            recycle(handle)
            submission.continuation.resume(throwing: error)
            return
        }
        let code = multi.add(handle)
        guard code == CURLM_OK else {
            recycle(handle)
            submission.continuation.resume(
                throwing: HTTPClientError.transport(code: Int(code.rawValue), message: "curl_multi_add_handle: \(Self.describe(code))"))
            return
        }
        active[handle.raw] = ActiveTransfer(id: submission.id, handle: handle, continuation: submission.continuation)
        activeByID[submission.id] = handle.raw
    }

    private func cancel(id: UInt64) {
        guard let raw = activeByID.removeValue(forKey: id), let transfer = active.removeValue(forKey: raw) else {
            return  // finished before the cancellation arrived
        }
        // Removing the handle mid-transfer makes curl close that connection rather than
        // reuse it with a half-read response on it.
        multi.remove(transfer.handle)
        recycle(transfer.handle)
        transfer.continuation.resume(throwing: CancellationError())
    }

    private func completeFinishedTransfers() {
        while let (raw, result) = multi.nextCompletion() {
            guard let transfer = active.removeValue(forKey: raw) else { continue }
            activeByID[transfer.id] = nil
            multi.remove(transfer.handle)
            let outcome: Result<HTTPResponse, any Error>
            if result == CURLE_OK {
                outcome = .success(transfer.handle.takeResponse())
            } else {
                outcome = .failure(HTTPClientError(curlCode: result, detail: transfer.handle.errorDetail))
            }
            recycle(transfer.handle)
            transfer.continuation.resume(with: outcome)
        }
    }

    private func recycle(_ handle: CurlEasyHandle) {
        handle.reset()
        if idleHandles.count < maxIdleHandles {
            idleHandles.append(handle)
        }
        // Otherwise the handle is dropped here and its deinit runs curl_easy_cleanup.
    }

    private func tearDown(failing submissions: [CurlSubmission]) {
        for submission in submissions {
            submission.continuation.resume(throwing: HTTPClientError.shutdown)
        }
        do {
            let transfers = Array(active.values)
            active = [:]
            activeByID = [:]
            for transfer in transfers {
                multi.remove(transfer.handle)
                transfer.continuation.resume(throwing: HTTPClientError.shutdown)
            }
        }
        // Easy handles are cleaned up (deinit) before the multi handle they were attached to.
        idleHandles = []
        multi.close()
        queue.markFinished()
    }

    private static func describe(_ code: CURLMcode) -> String {
        String(cString: curl_multi_strerror(code))
    }
}
