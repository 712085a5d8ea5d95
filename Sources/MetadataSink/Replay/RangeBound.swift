/// Where a range of a partition starts or ends, as given on the command line.
enum RangeBound: Sendable, Equatable, CustomStringConvertible {
    /// An offset (`--from-offset`, `--to-offset`, `--to-offset` of `offsets reset`).
    case offset(Int64)
    /// Milliseconds since the epoch (`--from-time`, `--to-time`): the first record at or after it.
    case time(Int64)
    /// The partition's first offset still kept (`--from-beginning`, `--to-earliest`).
    case beginning
    /// The partition's end offset when the command starts (the default end, `--to-latest`), so
    /// that a range always ends.
    case end

    var description: String {
        switch self {
        case .offset(let offset): "offset \(offset)"
        case .time(let milliseconds):
            "time \(RFC3339Timestamp.format(secondsSinceEpoch: Int(milliseconds.floorDivided(by: 1000)), nanoseconds: Int(milliseconds.floorModulo(1000)) * 1_000_000))"
        case .beginning: "beginning"
        case .end: "end"
        }
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate func floorModulo(_ divisor: Int64) -> Int64 {
        self - floorDivided(by: divisor) * divisor
    }
}

extension RangeBound {
    /// An RFC 3339 `--…-time` option value as a bound; a usage error naming the option otherwise.
    static func time(_ text: String, option: String) throws -> RangeBound {
        guard let milliseconds = RFC3339Timestamp.milliseconds(parsing: text) else {
            throw RangeBoundError(
                "\(option) must be an RFC 3339 date-time such as 2025-06-01T00:00:00Z or 2025-06-01T02:00:00.5+02:00, got \(String(reflecting: text))")
        }
        return .time(milliseconds)
    }

    /// An offset option value as a bound; offsets are never negative.
    static func offset(_ value: Int64, option: String) throws -> RangeBound {
        guard value >= 0 else { throw RangeBoundError("\(option) must be an offset, 0 or more, got \(value)") }
        return .offset(value)
    }
}
