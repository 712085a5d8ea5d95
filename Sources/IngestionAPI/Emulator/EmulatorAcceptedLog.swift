/// The emulator's log of accepted items, kept as a few flat arrays rather than one
/// `EmulatorAcceptedItem` per item: a benchmark run accepts hundreds of thousands of items, and
/// a `String` per eventId (plus a struct with two references) cost an allocation, a copy into
/// the shared log and a free per item, in the process that shares the machine with the sink it
/// measures. The items are built only when somebody asks for them.
struct EmulatorAcceptedLog: Sendable, Equatable {
    private var requestIndices: [Int] = []
    private var positions: [Int] = []
    /// Every eventId's UTF-8, one after the other; item `i`'s ends at `eventIdEnds[i]`.
    private var eventIdBytes: [UInt8] = []
    private var eventIdEnds: [Int] = []
    /// Each item as it appeared in the request body; empty when not recorded.
    private var itemBytes: [[UInt8]] = []

    var count: Int { positions.count }
    var isEmpty: Bool { positions.isEmpty }

    mutating func reserveCapacity(_ items: Int, eventIdBytes bytes: Int) {
        requestIndices.reserveCapacity(items)
        positions.reserveCapacity(items)
        eventIdEnds.reserveCapacity(items)
        itemBytes.reserveCapacity(items)
        eventIdBytes.reserveCapacity(bytes)
    }

    /// Logs an item whose eventId is `eventId`'s UTF-8.
    mutating func append(requestIndex: Int, position: Int, eventId: String, bytes: [UInt8]) {
        var eventId = eventId
        eventId.withUTF8 { append(requestIndex: requestIndex, position: position, eventIdUTF8: $0, bytes: bytes) }
    }

    mutating func append(requestIndex: Int, position: Int, eventIdUTF8: UnsafeBufferPointer<UInt8>, bytes: [UInt8]) {
        requestIndices.append(requestIndex)
        positions.append(position)
        eventIdBytes.append(contentsOf: eventIdUTF8)
        eventIdEnds.append(eventIdBytes.count)
        itemBytes.append(bytes)
    }

    /// Appends another log (one request's accepted items) to this one.
    mutating func append(_ other: EmulatorAcceptedLog) {
        let offset = eventIdBytes.count
        requestIndices.append(contentsOf: other.requestIndices)
        positions.append(contentsOf: other.positions)
        eventIdBytes.append(contentsOf: other.eventIdBytes)
        eventIdEnds.append(contentsOf: other.eventIdEnds.lazy.map { $0 + offset })
        itemBytes.append(contentsOf: other.itemBytes)
    }

    /// The eventIds, in log order.
    var eventIds: [String] {
        eventIdBytes.withUnsafeBufferPointer { bytes in
            eventIdEnds.indices.map { index in
                let start = index == 0 ? 0 : eventIdEnds[index - 1]
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<eventIdEnds[index]]), as: UTF8.self)
            }
        }
    }

    /// The items, in log order.
    var items: [EmulatorAcceptedItem] {
        zip(eventIds, positions.indices).map { eventId, index in
            EmulatorAcceptedItem(
                requestIndex: requestIndices[index], position: positions[index], eventId: eventId, bytes: itemBytes[index])
        }
    }
}
