import CCurl

/// The one capability of the multi handle that other threads may use.
///
/// `@unchecked Sendable` because curl_multi_wakeup is documented as safe to call from any
/// thread while another thread is in curl_multi_poll. What the compiler cannot see is the
/// lifetime: `CurlRequestQueue` only calls `wakeup()` under its lock and never after the
/// shutdown flag is set, and the transfer loop only cleans up the multi handle after it has
/// observed that flag under the same lock.
struct CurlMultiWakeup: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    func wakeup() {
        _ = curl_multi_wakeup(raw)
    }
}
