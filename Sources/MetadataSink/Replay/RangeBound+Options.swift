import ArgumentParser

extension RangeBound {
    /// The bound a pair of options gives, an offset one or a time one (the caller checks that at
    /// most one is set); nil when neither is. A bad value is a usage error naming its option.
    static func given(offset: Int64?, offsetOption: String, time: String?, timeOption: String) throws -> RangeBound? {
        do {
            return try offset.map { try .offset($0, option: offsetOption) } ?? time.map { try .time($0, option: timeOption) }
        } catch let error as RangeBoundError {
            throw ValidationError(error.description)
        }
    }
}
