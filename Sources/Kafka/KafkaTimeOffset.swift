/// Where a time falls in a partition: the start offset for "from this time on".
public struct KafkaTimeOffset: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        /// The broker's ListOffsets-by-timestamp answer.
        case broker
        /// A binary search over record timestamps.
        case search
    }

    /// The offset of the first record whose timestamp is at or after the time; the end offset
    /// when there is none.
    public let offset: Int64
    public let method: Method
    /// Records read to find it (0 when the broker answered).
    public let reads: Int
}
