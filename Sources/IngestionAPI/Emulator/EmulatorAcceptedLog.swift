/// The emulator's log of accepted items, kept as a few flat arrays rather than one
/// `EmulatorAcceptedItem` per item: a benchmark run accepts hundreds of thousands of items, and
/// a `String` per eventId (plus a struct with two references) cost an allocation, a copy into
/// the shared log and a free per item, in the process that shares the machine with the sink it
/// measures. The items are built only when somebody asks for them.
struct EmulatorAcceptedLog: Sendable, Equatable {
    /// Items of one request at consecutive positions: one entry for a whole request in fast
    /// mode, where every item is accepted.
    private struct Run: Sendable, Equatable {
        var requestIndex: Int
        var firstPosition: Int
        var count: Int
    }

    private var runs: [Run] = []
    /// Every eventId's UTF-8, one after the other; item `i`'s ends at `eventIdEnds[i]`.
    private var eventIdBytes: [UInt8] = []
    private var eventIdEnds: [Int] = []
    /// Each item as it appeared in the request body, by item number; only those recorded.
    private var itemBytes: [Int: [UInt8]] = [:]

    var count: Int { eventIdEnds.count }
    var isEmpty: Bool { eventIdEnds.isEmpty }

    mutating func reserveCapacity(_ items: Int, eventIdBytes bytes: Int) {
        eventIdEnds.reserveCapacity(items)
        eventIdBytes.reserveCapacity(bytes)
    }

    /// Logs an item whose eventId is `eventId`'s UTF-8.
    mutating func append(requestIndex: Int, position: Int, eventId: String, bytes: [UInt8]) {
        var eventId = eventId
        eventId.withUTF8 { append(requestIndex: requestIndex, position: position, eventIdUTF8: $0, bytes: bytes) }
    }

    mutating func append(requestIndex: Int, position: Int, eventIdUTF8: UnsafeBufferPointer<UInt8>, bytes: [UInt8]) {
        if let last = runs.last, last.requestIndex == requestIndex, last.firstPosition + last.count == position {
            runs[runs.count - 1].count += 1
        } else {
            runs.append(Run(requestIndex: requestIndex, firstPosition: position, count: 1))
        }
        if !bytes.isEmpty { itemBytes[eventIdEnds.count] = bytes }
        eventIdBytes.append(contentsOf: eventIdUTF8)
        eventIdEnds.append(eventIdBytes.count)
    }

    /// Logs a whole request's items, at positions 0 onwards, whose eventIds are the UTF-8 at
    /// `eventIds` in `body`; without item bytes.
    mutating func appendRequest(requestIndex: Int, eventIds: [Range<Int>], in body: UnsafeBufferPointer<UInt8>) {
        guard !eventIds.isEmpty else { return }
        runs.append(Run(requestIndex: requestIndex, firstPosition: 0, count: eventIds.count))
        eventIdEnds.reserveCapacity(eventIdEnds.count + eventIds.count)
        eventIdBytes.reserveCapacity(eventIdBytes.count + eventIds.reduce(0) { $0 + $1.count })
        for range in eventIds {
            eventIdBytes.append(contentsOf: UnsafeBufferPointer(rebasing: body[range]))
            eventIdEnds.append(eventIdBytes.count)
        }
    }

    /// Appends another log (one request's accepted items) to this one.
    mutating func append(_ other: EmulatorAcceptedLog) {
        let items = eventIdEnds.count
        let offset = eventIdBytes.count
        runs.append(contentsOf: other.runs)
        eventIdBytes.append(contentsOf: other.eventIdBytes)
        eventIdEnds.append(contentsOf: other.eventIdEnds.lazy.map { $0 + offset })
        for (item, bytes) in other.itemBytes { itemBytes[items + item] = bytes }
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
        let eventIds = self.eventIds
        var items: [EmulatorAcceptedItem] = []
        items.reserveCapacity(eventIds.count)
        for run in runs {
            for position in run.firstPosition..<(run.firstPosition + run.count) {
                let index = items.count
                items.append(EmulatorAcceptedItem(
                    requestIndex: run.requestIndex, position: position, eventId: eventIds[index], bytes: itemBytes[index] ?? []))
            }
        }
        return items
    }
}
