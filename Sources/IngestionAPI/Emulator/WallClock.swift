#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's real-time clock, which every process on the machine shares: what lets a
/// benchmark compare the emulator's arrival times with Kafka record timestamps (milliseconds
/// since the epoch) taken by another process.
enum WallClock {
    /// Microseconds since the Unix epoch.
    static func nowMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }
}
