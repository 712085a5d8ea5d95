#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// UTC timestamps with milliseconds, `2025-01-31T23:59:59.123Z` (RFC 3339), for log lines.
///
/// Formatted by hand from `clock_gettime` and `gmtime_r`: it runs for every log line, on any
/// thread, and needs neither a shared formatter nor locale handling.
enum RFC3339Timestamp {
    static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return format(secondsSinceEpoch: Int(time.tv_sec), nanoseconds: Int(time.tv_nsec))
    }

    static func format(secondsSinceEpoch: Int, nanoseconds: Int) -> String {
        var seconds = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text = ""
        text.reserveCapacity(24)
        text += padded(Int(parts.tm_year) + 1900, 4) + "-" + padded(Int(parts.tm_mon) + 1, 2) + "-" + padded(Int(parts.tm_mday), 2)
        text += "T" + padded(Int(parts.tm_hour), 2) + ":" + padded(Int(parts.tm_min), 2) + ":" + padded(Int(parts.tm_sec), 2)
        text += "." + padded(nanoseconds / 1_000_000, 3) + "Z"
        return text
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
