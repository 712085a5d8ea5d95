/// What the emulator received and answered, one per API request.
public struct EmulatorRequestRecord: Sendable, Equatable {
    /// Arrival order, from 0; `EmulatorAcceptedItem.requestIndex` refers to it.
    public var index: Int
    /// When the complete request had been read.
    public var receivedAt: ContinuousClock.Instant
    public var method: String
    public var path: String
    public var status: Int
    /// Items in the body when it could be parsed (1 for the single endpoint), else 0. Counted
    /// for faulted and unauthorised requests too, so retries can be matched to their batches.
    public var itemCount: Int
    public var acceptedCount: Int
    public var refusedCount: Int
    /// The `Retry-After` value sent, if any.
    public var retryAfter: String?
    /// The `eventId` of the first item, when the body could be parsed and has one: with
    /// several requests in flight, it tells which attempts carried the same batch.
    public var firstEventId: String?

    public init(
        index: Int, receivedAt: ContinuousClock.Instant, method: String, path: String, status: Int,
        itemCount: Int, acceptedCount: Int, refusedCount: Int, retryAfter: String?, firstEventId: String? = nil
    ) {
        self.index = index
        self.receivedAt = receivedAt
        self.method = method
        self.path = path
        self.status = status
        self.itemCount = itemCount
        self.acceptedCount = acceptedCount
        self.refusedCount = refusedCount
        self.retryAfter = retryAfter
        self.firstEventId = firstEventId
    }
}
