/// The sink consumer's lifecycle, as an explicit state machine.
///
/// ```
/// starting ──subscribed──▶ joining ──assigned──▶ running ◀──assigned── rebalancing
///                                                   │  ──revoking──────────▲
///            any state ──shutdownRequested──▶ draining ──drained──▶ closed
/// ```
/// The consumer counts as joined (ready) from its first assignment, even an empty one (more
/// members than partitions), until it loses its assignment or starts draining.
struct ConsumerLifecycle: Equatable {
    enum State: Equatable {
        case starting
        case joining
        case running
        case rebalancing
        case draining
        case closed
    }

    private(set) var state: State = .starting

    enum Transition: Equatable {
        case changed
        case ignored
    }

    @discardableResult
    mutating func subscribed() -> Transition {
        guard state == .starting else { return .ignored }
        state = .joining
        return .changed
    }

    @discardableResult
    mutating func assigned() -> Transition {
        switch state {
        case .starting, .joining, .running, .rebalancing:
            state = .running
            return .changed
        case .draining, .closed:
            return .ignored
        }
    }

    @discardableResult
    mutating func revoking(lost: Bool) -> Transition {
        switch state {
        case .running, .rebalancing, .joining:
            state = lost ? .joining : .rebalancing
            return .changed
        case .starting, .draining, .closed:
            return .ignored
        }
    }

    @discardableResult
    mutating func shutdownRequested() -> Transition {
        switch state {
        case .draining, .closed:
            return .ignored
        default:
            state = .draining
            return .changed
        }
    }

    @discardableResult
    mutating func drained() -> Transition {
        guard state == .draining else { return .ignored }
        state = .closed
        return .changed
    }

    /// New records are processed only while the consumer owns partitions and is not draining.
    var acceptsRecords: Bool { state == .running || state == .rebalancing }

    var isJoined: Bool { state == .running || state == .rebalancing }
}
