import DequeModule

/// Per-partition offset tracking: which offset may be committed.
///
/// The committable offset is the lowest offset that is not final yet (or one past the highest
/// seen when all are final): committing it never passes a record without an outcome. Offsets
/// arrive in increasing order but may have gaps (compaction, transaction markers).
///
/// States: `active` tracks new records; `revoking` takes no new records but still lets in-flight
/// ones become final; `released` ignores everything (the partition belongs to someone else now).
struct PartitionOffsetTracker: Equatable {
    enum Phase: Equatable {
        case active
        case revoking
        case released
    }

    /// Which assignment this tracker belongs to; outcomes of an earlier assignment of the same
    /// partition (that finish after it was revoked) must not touch this one.
    let epoch: Int
    private(set) var phase: Phase = .active
    /// Offsets seen and not yet final, in order, with whether each is final.
    private var outstanding: Deque<(offset: Int64, isFinal: Bool)> = []
    /// One past the highest offset seen.
    private(set) var nextOffset: Int64?
    /// The first offset seen in this assignment: committing it would record no progress.
    private(set) var firstOffset: Int64?
    /// The last offset committed, or handed to an asynchronous commit not refused so far.
    private(set) var committed: Int64?
    /// The last offset the broker acknowledged.
    private(set) var acknowledged: Int64?
    /// Records being worked on: in a request or being dead-lettered.
    private(set) var inFlight = 0

    init(epoch: Int = 0) {
        self.epoch = epoch
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.epoch == rhs.epoch && lhs.phase == rhs.phase && lhs.nextOffset == rhs.nextOffset && lhs.committed == rhs.committed
            && lhs.outstanding.map(\.offset) == rhs.outstanding.map(\.offset)
            && lhs.outstanding.map(\.isFinal) == rhs.outstanding.map(\.isFinal)
    }

    enum TrackResult: Equatable {
        case tracked
        /// Not tracked: the partition is being revoked or released, or the offset went backwards.
        case ignored
    }

    /// A record was read. Returns `.ignored` when it must not be processed.
    mutating func track(_ offset: Int64) -> TrackResult {
        guard phase == .active else { return .ignored }
        if let next = nextOffset, offset < next { return .ignored }
        outstanding.append((offset, false))
        if firstOffset == nil { firstOffset = offset }
        nextOffset = offset + 1
        return .tracked
    }

    /// The record is being worked on asynchronously (sent, or dead-lettered).
    mutating func began() { inFlight += 1 }

    /// `count` records are being worked on asynchronously.
    mutating func began(count: Int) { inFlight += count }

    /// The record has its outcome. `wasInFlight` tells whether `began()` was called for it.
    mutating func finish(_ offset: Int64, wasInFlight: Bool = true) {
        guard phase != .released else { return }
        if wasInFlight { inFlight = max(0, inFlight - 1) }
        guard let index = index(of: offset), !outstanding[index].isFinal else { return }
        outstanding[index].isFinal = true
        while let first = outstanding.first, first.isFinal { outstanding.removeFirst() }
    }

    /// Each of these in-flight records has its outcome.
    mutating func finish(offsets: some Sequence<Int64>) {
        for offset in offsets { finish(offset) }
    }

    /// The offset to commit (the next one to read after everything final), if any was seen.
    var committable: Int64? {
        if let first = outstanding.first { return first.offset }
        return nextOffset
    }

    var needsCommit: Bool {
        guard phase != .released, let committable, let baseline = committed ?? firstOffset else { return false }
        return committable > baseline
    }

    /// `offset` was handed to a commit: asynchronous, so not acknowledged yet.
    mutating func markCommitRequested(_ offset: Int64) {
        if committed.map({ offset > $0 }) ?? true { committed = offset }
    }

    /// The broker stored `offset`.
    mutating func markCommitted(_ offset: Int64) {
        markCommitRequested(offset)
        if acknowledged.map({ offset > $0 }) ?? true { acknowledged = offset }
    }

    /// The broker refused `offset`. Unless a later commit is already on its way, the committable
    /// offset must be committed again: nothing else would, once no new record arrives.
    mutating func commitFailed(_ offset: Int64) {
        guard committed == offset else { return }
        committed = acknowledged
    }

    /// Records seen and not yet final.
    var pendingCount: Int { outstanding.lazy.filter { !$0.isFinal }.count }

    /// Stop tracking new records. Records dropped unsent stay not final, so the committable
    /// offset stops before them and the next owner reads them again.
    mutating func beginRevoke() {
        guard phase == .active else { return }
        phase = .revoking
    }

    /// Whether all work that can still finish has finished.
    var isDrained: Bool { inFlight == 0 }

    mutating func release() {
        phase = .released
        outstanding.removeAll()
    }

    private func index(of offset: Int64) -> Int? {
        // A partition's records are sent in order, one request at a time, so they usually
        // finish at the front: no search needed.
        if outstanding.first?.offset == offset { return 0 }
        var low = 0
        var high = outstanding.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let value = outstanding[middle].offset
            if value == offset { return middle }
            if value < offset { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }
}
