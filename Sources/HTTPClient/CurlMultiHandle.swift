import CCurl

/// Owns the single `CURLM *` of a client. One multi handle means one connection cache,
/// so keep-alive connections are reused across all requests of the client.
///
/// Confined to the transfer thread, except for `wakeup`, see `CurlMultiWakeup`.
final class CurlMultiHandle {
    private var raw: UnsafeMutableRawPointer?
    let wakeup: CurlMultiWakeup

    /// Fails only when libcurl cannot allocate.
    init?(maxConnections: Int) {
        guard let raw = curl_multi_init() else { return nil }
        self.raw = raw
        wakeup = CurlMultiWakeup(raw: raw)
        let limit = max(1, maxConnections)
        // Beyond the limits curl queues transfers internally instead of opening sockets,
        // which protects the receiving service from a burst of connections.
        _ = CCurl_multi_setopt_long(raw, CURLMOPT_MAX_TOTAL_CONNECTIONS, limit)
        _ = CCurl_multi_setopt_long(raw, CURLMOPT_MAX_HOST_CONNECTIONS, limit)
        // The idle cache must hold as many connections as may be open, or curl would close
        // and reopen connections under load instead of reusing them.
        _ = CCurl_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, limit)
    }

    deinit {
        close()
    }

    func add(_ easy: CurlEasyHandle) -> CURLMcode {
        guard let raw else { return CURLM_BAD_HANDLE }
        return curl_multi_add_handle(raw, easy.raw)
    }

    func remove(_ easy: CurlEasyHandle) {
        guard let raw else { return }
        _ = curl_multi_remove_handle(raw, easy.raw)
    }

    /// Drives all transfers as far as they can go without blocking.
    func perform() -> CURLMcode {
        guard let raw else { return CURLM_BAD_HANDLE }
        var running: Int32 = 0
        return curl_multi_perform(raw, &running)
    }

    /// Blocks until socket activity, a curl timer, `wakeup`, or `timeoutMilliseconds`.
    /// curl shortens the wait on its own when a transfer timer is due sooner.
    func poll(timeoutMilliseconds: Int32) -> CURLMcode {
        guard let raw else { return CURLM_BAD_HANDLE }
        return curl_multi_poll(raw, nil, 0, timeoutMilliseconds, nil)
    }

    /// The next finished transfer. The values are copied out because curl's message
    /// storage does not survive removing the handle.
    func nextCompletion() -> (easy: UnsafeMutableRawPointer, result: CURLcode)? {
        guard let raw else { return nil }
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(raw, &remaining) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                return (easy, message.pointee.data.result)
            }
        }
        return nil
    }

    /// All easy handles must have been removed first.
    func close() {
        guard let raw else { return }
        self.raw = nil
        _ = curl_multi_cleanup(raw)
    }
}
