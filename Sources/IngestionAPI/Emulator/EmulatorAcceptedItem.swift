/// An item the emulator ingested (answered with a blank error).
public struct EmulatorAcceptedItem: Sendable, Equatable {
    /// Index of the request that carried it (`EmulatorRequestRecord.index`).
    public var requestIndex: Int
    /// Position of the item in that request's `items` (0 for the single endpoint).
    public var position: Int
    /// The eventId answered: the item's own, or the one the emulator generated.
    public var eventId: String
    /// The item exactly as it appeared in the request body (empty when the emulator was
    /// configured with `recordItemBytes: false`).
    public var bytes: [UInt8]

    public init(requestIndex: Int, position: Int, eventId: String, bytes: [UInt8]) {
        self.requestIndex = requestIndex
        self.position = position
        self.eventId = eventId
        self.bytes = bytes
    }

    /// The item parsed, for assertions.
    public var json: JSONValue? {
        try? JSONParser.parse(bytes)
    }
}
