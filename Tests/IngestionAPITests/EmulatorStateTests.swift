@testable import IngestionAPI
import Testing

/// The fault bookkeeping with made-up instants, so time-based behaviour is tested without waiting.
@Suite("EmulatorState")
struct EmulatorStateTests {
    static let settings = IngestionAPIEmulator.Configuration().settings

    @Test("an outage ends at its deadline")
    func outageExpiry() {
        var state = EmulatorState(settings: Self.settings)
        let start = ContinuousClock.now
        state.setOutage(status: 503, retryAfter: "7", until: start + .seconds(20))
        #expect(state.admit(now: start).fault == EmulatorFault.Status(503, retryAfter: "7"))
        #expect(state.admit(now: start + .seconds(19)).fault == EmulatorFault.Status(503, retryAfter: "7"))
        #expect(state.admit(now: start + .seconds(20)).fault == nil)
        #expect(state.outage == nil)
        #expect(state.admit(now: start).fault == nil)
    }

    @Test("the status sequence is used up first, then the outage applies")
    func sequenceBeforeOutage() {
        var state = EmulatorState(settings: Self.settings)
        let now = ContinuousClock.now
        state.statusSequence = [EmulatorFault.Status(429, retryAfter: "1")]
        state.setOutage(status: 502, retryAfter: nil, until: now + .seconds(60))
        #expect(state.admit(now: now).fault == EmulatorFault.Status(429, retryAfter: "1"))
        #expect(state.admit(now: now).fault == EmulatorFault.Status(502))
        #expect(state.admit(now: now).index == 2)
    }

    @Test("records stay in arrival order when requests finish out of order")
    func recordOrder() {
        var state = EmulatorState(settings: Self.settings)
        let now = ContinuousClock.now
        for index in [1, 0, 3, 2] {
            let record = EmulatorRequestRecord(
                index: index, receivedAt: now, method: "POST", path: "/", status: 200,
                itemCount: 1, acceptedCount: 1, refusedCount: 0, retryAfter: nil
            )
            _ = state.record(record, accepted: EmulatorAcceptedLog())
        }
        #expect(state.requests.map(\.index) == [0, 1, 2, 3])
        #expect(state.stats.acceptedItems == 4)
    }

    @Test("the accepted log keeps each request's items, eventIds and bytes in order")
    func acceptedLog() {
        var state = EmulatorState(settings: Self.settings)
        let now = ContinuousClock.now
        for (index, eventIds) in [["a", "bé"], [], ["c-\u{1F600}"]].enumerated() {
            var log = EmulatorAcceptedLog()
            for (position, eventId) in eventIds.enumerated() {
                log.append(requestIndex: index, position: position * 2, eventId: eventId, bytes: Array("item \(eventId)".utf8))
            }
            let record = EmulatorRequestRecord(
                index: index, receivedAt: now, method: "POST", path: "/", status: 200,
                itemCount: eventIds.count, acceptedCount: eventIds.count, refusedCount: 0, retryAfter: nil
            )
            _ = state.record(record, accepted: log)
        }
        #expect(state.accepted.eventIds == ["a", "bé", "c-\u{1F600}"])
        #expect(state.accepted.items == [
            EmulatorAcceptedItem(requestIndex: 0, position: 0, eventId: "a", bytes: Array("item a".utf8)),
            EmulatorAcceptedItem(requestIndex: 0, position: 2, eventId: "bé", bytes: Array("item bé".utf8)),
            EmulatorAcceptedItem(requestIndex: 2, position: 0, eventId: "c-\u{1F600}", bytes: Array("item c-\u{1F600}".utf8)),
        ])
        state.reset()
        #expect(state.accepted.isEmpty)
    }

    @Test("reset restores the initial settings and clears everything")
    func reset() {
        var state = EmulatorState(settings: Self.settings)
        state.settings.fastMode = true
        state.settings.apiSecret = "changed"
        state.statusSequence = [EmulatorFault.Status(503)]
        state.setOutage(status: 503, retryAfter: nil, until: .now + .seconds(60))
        _ = state.admit(now: .now)
        state.reset()
        #expect(state.settings == Self.settings)
        #expect(state.statusSequence.isEmpty && state.outage == nil)
        #expect(state.admit(now: .now).index == 0)
    }
}
