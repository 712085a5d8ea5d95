/// Counters over everything the emulator has answered since start or the last reset.
public struct EmulatorStats: Sendable, Equatable {
    /// API requests answered (both endpoints, any status, unknown paths included; admin
    /// endpoints excluded).
    public var requests: Int
    /// Items ingested successfully.
    public var acceptedItems: Int
    /// Items answered with a per-item error (schema or business rule).
    public var refusedItems: Int
    /// How many API responses had each status code.
    public var responsesByStatus: [Int: Int]

    public init(requests: Int = 0, acceptedItems: Int = 0, refusedItems: Int = 0, responsesByStatus: [Int: Int] = [:]) {
        self.requests = requests
        self.acceptedItems = acceptedItems
        self.refusedItems = refusedItems
        self.responsesByStatus = responsesByStatus
    }
}
