import Foundation

/// The `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
enum RetryAfter {
    /// The delay the server asked for, measured from `now`; `nil` when absent or unreadable.
    /// A date in the past means "now" (zero).
    static func parse(_ value: String?, now: Date = Date()) -> Duration? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        if trimmed.allSatisfy(\.isASCIIDigit) {
            // Any number of digits, even past Int64: larger never means shorter, and never more
            // than `maximum` (a day), so a hostile header cannot overflow a Duration.
            let seconds = Int64(trimmed).map { min($0, maximumSeconds) } ?? maximumSeconds
            return .seconds(seconds)
        }
        for formatter in formatters {
            if let date = formatter.date(from: trimmed) {
                let interval = min(date.timeIntervalSince(now), Double(maximumSeconds))
                return interval > 0 ? .milliseconds(Int64((interval * 1000).rounded(.up))) : .zero
            }
        }
        return nil
    }

    /// The longest wait honoured: one day.
    static let maximumSeconds: Int64 = 86_400

    // IMF-fixdate, then the two obsolete forms recipients must still accept.
    private static let formatters: [DateFormatter] = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",
        "EEEE, dd-MMM-yy HH:mm:ss zzz",
        "EEE MMM d HH:mm:ss yyyy",
    ].map { format in
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = format
        return formatter
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
