@testable import Pipeline
import Testing

/// Every (state, event) pair of the consumer lifecycle, with the transitions it must ignore.
@Suite("ConsumerLifecycle")
struct ConsumerLifecycleTests {
    enum Event: CustomStringConvertible, CaseIterable {
        case subscribed, assigned, revokingKept, revokingLost, shutdownRequested, drained

        var description: String {
            switch self {
            case .subscribed: "subscribed"
            case .assigned: "assigned"
            case .revokingKept: "revoking(lost: false)"
            case .revokingLost: "revoking(lost: true)"
            case .shutdownRequested: "shutdownRequested"
            case .drained: "drained"
            }
        }

        func apply(to lifecycle: inout ConsumerLifecycle) -> ConsumerLifecycle.Transition {
            switch self {
            case .subscribed: lifecycle.subscribed()
            case .assigned: lifecycle.assigned()
            case .revokingKept: lifecycle.revoking(lost: false)
            case .revokingLost: lifecycle.revoking(lost: true)
            case .shutdownRequested: lifecycle.shutdownRequested()
            case .drained: lifecycle.drained()
            }
        }
    }

    /// Reaches `state` through the public transitions only, checking each step changed something.
    private static func lifecycle(in state: ConsumerLifecycle.State) throws -> ConsumerLifecycle {
        let path: [Event] = switch state {
        case .starting: []
        case .joining: [.subscribed]
        case .running: [.subscribed, .assigned]
        case .rebalancing: [.subscribed, .assigned, .revokingKept]
        case .draining: [.subscribed, .assigned, .shutdownRequested]
        case .closed: [.subscribed, .assigned, .shutdownRequested, .drained]
        }
        var lifecycle = ConsumerLifecycle()
        for event in path {
            let result = event.apply(to: &lifecycle)
            try #require(result == .changed, "setting up \(state) via \(event)")
        }
        try #require(lifecycle.state == state)
        return lifecycle
    }

    /// (from, event, to); `nil` means the event is ignored and the state stays.
    static let table: [(ConsumerLifecycle.State, Event, ConsumerLifecycle.State?)] = [
        (.starting, .subscribed, .joining),
        (.starting, .assigned, .running), // range mode is assigned up front
        (.starting, .revokingKept, nil),
        (.starting, .revokingLost, nil),
        (.starting, .shutdownRequested, .draining),
        (.starting, .drained, nil),

        (.joining, .subscribed, nil),
        (.joining, .assigned, .running),
        (.joining, .revokingKept, .rebalancing),
        (.joining, .revokingLost, .joining),
        (.joining, .shutdownRequested, .draining),
        (.joining, .drained, nil),

        (.running, .subscribed, nil),
        (.running, .assigned, .running), // an incremental assignment
        (.running, .revokingKept, .rebalancing),
        (.running, .revokingLost, .joining),
        (.running, .shutdownRequested, .draining),
        (.running, .drained, nil),

        (.rebalancing, .subscribed, nil),
        (.rebalancing, .assigned, .running),
        (.rebalancing, .revokingKept, .rebalancing),
        (.rebalancing, .revokingLost, .joining),
        (.rebalancing, .shutdownRequested, .draining),
        (.rebalancing, .drained, nil),

        // Draining and closed ignore the group: a late assignment must not restart consumption.
        (.draining, .subscribed, nil),
        (.draining, .assigned, nil),
        (.draining, .revokingKept, nil),
        (.draining, .revokingLost, nil),
        (.draining, .shutdownRequested, nil),
        (.draining, .drained, .closed),

        (.closed, .subscribed, nil),
        (.closed, .assigned, nil),
        (.closed, .revokingKept, nil),
        (.closed, .revokingLost, nil),
        (.closed, .shutdownRequested, nil),
        (.closed, .drained, nil),
    ]

    @Test func tableCoversEveryStateAndEvent() {
        let states: [ConsumerLifecycle.State] = [.starting, .joining, .running, .rebalancing, .draining, .closed]
        for state in states {
            for event in Event.allCases {
                #expect(Self.table.filter { $0.0 == state && $0.1.description == event.description }.count == 1,
                        "\(state) × \(event)")
            }
        }
    }

    @Test("Transition", arguments: table)
    func transition(from: ConsumerLifecycle.State, event: Event, to: ConsumerLifecycle.State?) throws {
        var lifecycle = try Self.lifecycle(in: from)
        let result = event.apply(to: &lifecycle)
        if let to {
            #expect(result == .changed)
            #expect(lifecycle.state == to)
        } else {
            #expect(result == .ignored)
            #expect(lifecycle.state == from)
        }
    }

    @Test("Records are accepted and the group counts as joined only with an assignment", arguments: [
        (ConsumerLifecycle.State.starting, false),
        (.joining, false),
        (.running, true),
        (.rebalancing, true),
        (.draining, false),
        (.closed, false),
    ])
    func acceptsRecordsAndIsJoined(state: ConsumerLifecycle.State, owning: Bool) throws {
        let lifecycle = try Self.lifecycle(in: state)
        #expect(lifecycle.acceptsRecords == owning)
        #expect(lifecycle.isJoined == owning)
    }

    @Test func lostAssignmentThenReassignmentResumes() throws {
        var lifecycle = try Self.lifecycle(in: .running)
        lifecycle.revoking(lost: true)
        #expect(!lifecycle.isJoined)
        #expect(!lifecycle.acceptsRecords)
        #expect(lifecycle.assigned() == .changed)
        #expect(lifecycle.isJoined)
        #expect(lifecycle.acceptsRecords)
    }

    @Test func startsInStarting() {
        let lifecycle = ConsumerLifecycle()
        #expect(lifecycle.state == .starting)
        #expect(lifecycle == ConsumerLifecycle())
    }
}
