#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The processes `bench` starts end when `bench` itself ends, however it ends.
///
/// `bench` gives each child a pipe as standard input and never writes to it; the kernel closes
/// its write end when `bench` exits, even by SIGKILL, and the child's read then returns end of
/// file. A child left running would otherwise outlive its benchmark: a `run` whose broker port a
/// later benchmark's mock cluster reuses would join that benchmark's group and hold partitions it
/// can never deliver (its API emulator is gone).
enum BenchParentWatch {
    /// Set by `bench` in each child's environment; nothing else sets it.
    static let variable = "METADATA_SINK_BENCH_CHILD"

    /// In a child of `bench`: exits once standard input reaches end of file. Does nothing in a
    /// process that `bench` did not start.
    static func exitWithParent() {
        guard ProcessInfo.processInfo.environment[variable] == "1" else { return }
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 64)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count == 0 || (count < 0 && errno != EINTR) { break }
            }
            _exit(3)
        }
        thread.name = "bench-parent-watch"
        thread.start()
    }
}
