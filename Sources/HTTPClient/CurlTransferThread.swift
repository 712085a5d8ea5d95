import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A dedicated OS thread for the blocking curl_multi_poll loop. It must not run on Swift's
/// cooperative pool: blocking one of its few threads for seconds would starve other tasks.
final class CurlTransferThread: Sendable {
    /// Taken exactly once, by `join()` or `detach()`.
    private let thread: Mutex<pthread_t?>

    /// Starts `body` on a new thread named `name` (Linux limits names to 15 bytes).
    init(name: String, body: sending @escaping () -> Void) {
        let entry = Unmanaged.passRetained(Entry(name: name, body: body)).toOpaque()
        #if canImport(Darwin)
        var handle: pthread_t? = nil
        let result = pthread_create(&handle, nil, { CurlTransferThread.threadMain($0) }, entry)
        #else
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { CurlTransferThread.threadMain($0!) }, entry)
        #endif
        guard result == 0 else {
            Unmanaged<Entry>.fromOpaque(entry).release()
            // Only EAGAIN (out of threads/memory) is possible here; the client cannot work.
            fatalError("HTTPClient: pthread_create failed with error \(result)")
        }
        thread = Mutex(handle)
    }

    /// Blocks until the thread has exited. Call only after the body is known to be finishing.
    func join() {
        guard let handle = thread.withLock({ $0.take() }) else { return }
        _ = pthread_join(handle, nil)
    }

    /// Lets the thread release its resources on its own when it exits.
    func detach() {
        guard let handle = thread.withLock({ $0.take() }) else { return }
        _ = pthread_detach(handle)
    }

    private final class Entry {
        let name: String
        let body: () -> Void

        init(name: String, body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }

    private static func threadMain(_ context: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        let entry = Unmanaged<Entry>.fromOpaque(context).takeRetainedValue()
        _ = CCurl_set_current_thread_name(entry.name)
        entry.body()
        return nil
    }
}
