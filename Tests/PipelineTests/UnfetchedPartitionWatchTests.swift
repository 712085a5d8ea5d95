import Kafka
@testable import Pipeline
import Testing

@Suite("UnfetchedPartitionWatch")
struct UnfetchedPartitionWatchTests {
    let p0 = TopicPartition(topic: "t", partition: 0)
    let p1 = TopicPartition(topic: "t", partition: 1)
    let start = ContinuousClock.now

    @Test("reports a partition unfetched past the threshold once, and counts it until it is fetched")
    func reportsOnce() {
        var watch = UnfetchedPartitionWatch(threshold: .seconds(60))
        watch.assigned(p0, at: start)
        watch.assigned(p1, at: start)
        var fetched: Set<TopicPartition> = []
        let check = { (watch: inout UnfetchedPartitionWatch, seconds: Int64) in
            watch.check(at: start + .seconds(seconds), fetched: { fetched.contains($0) }, paused: { _ in false })
        }
        #expect(check(&watch, 59) == .init(newlyUnfetched: [], unfetched: 0))
        fetched.insert(p0)
        #expect(check(&watch, 60) == .init(newlyUnfetched: [p1], unfetched: 1))
        #expect(check(&watch, 120) == .init(newlyUnfetched: [], unfetched: 1))
        fetched.insert(p1)
        #expect(check(&watch, 121) == .init(newlyUnfetched: [], unfetched: 0))
    }

    @Test("time spent paused does not count")
    func pausedTimeDoesNotCount() {
        var watch = UnfetchedPartitionWatch(threshold: .seconds(60))
        watch.assigned(p0, at: start)
        #expect(watch.check(at: start + .seconds(50), fetched: { _ in false }, paused: { _ in true }).unfetched == 0)
        // Unpaused from second 50: due at 110, not at 60.
        #expect(watch.check(at: start + .seconds(100), fetched: { _ in false }, paused: { _ in false }).unfetched == 0)
        #expect(watch.check(at: start + .seconds(110), fetched: { _ in false }, paused: { _ in false }).newlyUnfetched == [p0])
    }

    @Test("a released partition is forgotten, and reported afresh after a new assignment")
    func releaseAndReassign() {
        var watch = UnfetchedPartitionWatch(threshold: .seconds(60))
        watch.assigned(p0, at: start)
        #expect(watch.check(at: start + .seconds(60), fetched: { _ in false }, paused: { _ in false }).newlyUnfetched == [p0])
        watch.released(p0)
        #expect(watch.check(at: start + .seconds(61), fetched: { _ in false }, paused: { _ in false }).unfetched == 0)
        watch.assigned(p0, at: start + .seconds(100))
        #expect(watch.check(at: start + .seconds(159), fetched: { _ in false }, paused: { _ in false }).unfetched == 0)
        #expect(watch.check(at: start + .seconds(160), fetched: { _ in false }, paused: { _ in false }).newlyUnfetched == [p0])
    }
}
