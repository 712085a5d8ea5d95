@testable import Pipeline
import Testing
import TestSupport

/// The commit contract lives here: the committable offset must never pass a record that has
/// no outcome yet, whatever order outcomes arrive in and whatever the phase.
@Suite("PartitionOffsetTracker")
struct PartitionOffsetTrackerTests {
    /// A tracker that has read `offsets` (all tracked) in the active phase.
    private func tracker(tracking offsets: [Int64], epoch: Int = 0) throws -> PartitionOffsetTracker {
        var tracker = PartitionOffsetTracker(epoch: epoch)
        for offset in offsets {
            try #require(tracker.track(offset) == .tracked)
        }
        return tracker
    }

    // MARK: fresh state

    @Test func freshTrackerHasNothingToCommit() {
        let tracker = PartitionOffsetTracker()
        #expect(tracker.epoch == 0)
        #expect(tracker.phase == .active)
        #expect(tracker.committable == nil)
        #expect(tracker.nextOffset == nil)
        #expect(tracker.firstOffset == nil)
        #expect(tracker.committed == nil)
        #expect(!tracker.needsCommit)
        #expect(tracker.isDrained)
        #expect(tracker.pendingCount == 0)
    }

    @Test func epochIsKeptAndTellsAssignmentsApart() throws {
        // Same history, different assignment: they must not compare equal, or an outcome of the
        // old assignment could be mistaken for one of the new.
        let old = try tracker(tracking: [5, 6], epoch: 1)
        let new = try tracker(tracking: [5, 6], epoch: 2)
        #expect(old.epoch == 1)
        #expect(new.epoch == 2)
        #expect(old != new)
        #expect(try tracker(tracking: [5, 6], epoch: 2) == new)
    }

    // MARK: track

    @Test func trackingSetsFirstAndNextOffsetsButNoProgress() throws {
        let tracker = try tracker(tracking: [40, 41, 42])
        #expect(tracker.firstOffset == 40)
        #expect(tracker.nextOffset == 43)
        // Nothing is final: committing 40 would record no progress.
        #expect(tracker.committable == 40)
        #expect(!tracker.needsCommit)
        #expect(tracker.pendingCount == 3)
    }

    @Test("Offsets going backwards or repeating are ignored and change nothing", arguments: [Int64(0), 9, 10])
    func backwardsOffsetIsIgnored(offset: Int64) throws {
        var tracker = try tracker(tracking: [9, 10])
        let before = tracker
        #expect(tracker.track(offset) == .ignored)
        #expect(tracker == before)
        #expect(tracker.pendingCount == 2)
        #expect(tracker.nextOffset == 11)
    }

    @Test func gapsInOffsetsAreSkippedByCommittable() throws {
        // Compaction and transaction markers leave gaps: the committable offset jumps over them.
        var tracker = try tracker(tracking: [10, 13, 20])
        #expect(tracker.nextOffset == 21)
        tracker.finish(10, wasInFlight: false)
        #expect(tracker.committable == 13)
        tracker.finish(13, wasInFlight: false)
        #expect(tracker.committable == 20)
        tracker.finish(20, wasInFlight: false)
        // All final: one past the highest seen.
        #expect(tracker.committable == 21)
        #expect(tracker.pendingCount == 0)
    }

    @Test func finishingAnOffsetInAGapOrNeverSeenChangesNothing() throws {
        var tracker = try tracker(tracking: [10, 13])
        let before = tracker
        for offset: Int64 in [9, 11, 12, 14, 100] {
            tracker.finish(offset, wasInFlight: false)
        }
        #expect(tracker == before)
        #expect(tracker.committable == 10)
    }

    // MARK: finish and committable

    /// Finish orders over offsets 0...4; the expected committable after each step is the lowest
    /// offset without an outcome (5 once all are final).
    @Test("Out-of-order finishes advance committable only over a contiguous final prefix", arguments: [
        [0, 1, 2, 3, 4],
        [4, 3, 2, 1, 0],
        [3, 1, 0, 2, 4],
        [1, 2, 3, 4, 0],
        [2, 0, 4, 1, 3],
    ] as [[Int64]])
    func outOfOrderFinish(order: [Int64]) throws {
        var tracker = try tracker(tracking: [0, 1, 2, 3, 4])
        var final: Set<Int64> = []
        for offset in order {
            tracker.finish(offset, wasInFlight: false)
            final.insert(offset)
            let expected = (0...5).first { !final.contains($0) }
            #expect(tracker.committable == expected, "after finishing \(order.prefix(final.count))")
            #expect(tracker.pendingCount == 5 - final.count)
        }
    }

    @Test func finishingTheSameOffsetTwiceIsIdempotent() throws {
        var tracker = try tracker(tracking: [0, 1, 2])
        tracker.finish(1, wasInFlight: false)
        let once = tracker
        tracker.finish(1, wasInFlight: false)
        #expect(tracker == once)
        #expect(tracker.committable == 0)
        #expect(tracker.pendingCount == 2)
    }

    @Test func trackingContinuesAfterEverythingWasFinal() throws {
        var tracker = try tracker(tracking: [0, 1])
        tracker.finish(0, wasInFlight: false)
        tracker.finish(1, wasInFlight: false)
        #expect(tracker.committable == 2)
        #expect(tracker.track(5) == .tracked)
        // The new record has no outcome: committable stops before it, not at one past it.
        #expect(tracker.committable == 5)
        #expect(tracker.track(2) == .ignored)
    }

    // MARK: needsCommit and markCommitted

    @Test func needsCommitFollowsProgressAndMarkCommitted() throws {
        var tracker = try tracker(tracking: [100, 101, 102])
        #expect(!tracker.needsCommit)

        tracker.finish(101, wasInFlight: false)
        // Out of order: 100 has no outcome, so still no progress to record.
        #expect(!tracker.needsCommit)

        tracker.finish(100, wasInFlight: false)
        #expect(tracker.committable == 102)
        #expect(tracker.needsCommit)

        tracker.markCommitted(102)
        #expect(tracker.committed == 102)
        #expect(!tracker.needsCommit)

        tracker.finish(102, wasInFlight: false)
        #expect(tracker.committable == 103)
        #expect(tracker.needsCommit)
        tracker.markCommitted(103)
        #expect(!tracker.needsCommit)
    }

    @Test func markCommittedNeverMovesBackwards() throws {
        var tracker = try tracker(tracking: [0, 1, 2, 3])
        for offset: Int64 in [0, 1, 2, 3] { tracker.finish(offset, wasInFlight: false) }
        tracker.markCommitted(4)
        // A late completion of an older asynchronous commit must not lower the baseline,
        // or the same offsets would be committed again and again.
        tracker.markCommitted(2)
        #expect(tracker.committed == 4)
        #expect(!tracker.needsCommit)
    }

    @Test func committedBaselineFromAnEarlierCommitWins() throws {
        // The baseline is what was committed, not the first offset, once there is a commit.
        var tracker = try tracker(tracking: [0, 1])
        tracker.finish(0, wasInFlight: false)
        tracker.markCommitted(1)
        tracker.finish(1, wasInFlight: false)
        #expect(tracker.committable == 2)
        #expect(tracker.needsCommit)
    }

    // MARK: asynchronous commits refused by the broker

    @Test func refusedCommitIsNeededAgainFromTheLastAcknowledgedOffset() throws {
        var tracker = try tracker(tracking: [0, 1, 2, 3])
        tracker.finish(0, wasInFlight: false)
        tracker.finish(1, wasInFlight: false)
        tracker.markCommitted(2)
        tracker.finish(2, wasInFlight: false)
        tracker.finish(3, wasInFlight: false)
        tracker.markCommitRequested(4)
        #expect(!tracker.needsCommit)

        // No record arrives after it: only the refusal can bring the commit back.
        tracker.commitFailed(4)
        #expect(tracker.committed == 2)
        #expect(tracker.acknowledged == 2)
        #expect(tracker.needsCommit)
        #expect(tracker.committable == 4)
    }

    @Test func refusalOfAnOlderCommitLeavesALaterOneInFlight() throws {
        var tracker = try tracker(tracking: [0, 1, 2, 3])
        for offset: Int64 in [0, 1] { tracker.finish(offset, wasInFlight: false) }
        tracker.markCommitRequested(2)
        for offset: Int64 in [2, 3] { tracker.finish(offset, wasInFlight: false) }
        tracker.markCommitRequested(4)
        // The commit of 4 covers what 2 would have stored; its own answer decides.
        tracker.commitFailed(2)
        #expect(tracker.committed == 4)
        #expect(!tracker.needsCommit)
        tracker.markCommitted(4)
        #expect(tracker.acknowledged == 4)
    }

    @Test func refusalWithNothingAcknowledgedFallsBackToTheFirstOffset() throws {
        var tracker = try tracker(tracking: [10, 11])
        tracker.finish(10, wasInFlight: false)
        tracker.finish(11, wasInFlight: false)
        tracker.markCommitRequested(12)
        tracker.commitFailed(12)
        #expect(tracker.committed == nil)
        #expect(tracker.needsCommit)
    }

    // MARK: in-flight accounting

    @Test func isDrainedCountsBeganAgainstFinishedInFlight() throws {
        var tracker = try tracker(tracking: [0, 1, 2])
        tracker.began()
        tracker.began()
        #expect(!tracker.isDrained)
        #expect(tracker.inFlight == 2)

        // A tombstone-like outcome that never began does not count against in-flight work.
        tracker.finish(2, wasInFlight: false)
        #expect(tracker.inFlight == 2)

        tracker.finish(0)
        #expect(!tracker.isDrained)
        tracker.finish(1, wasInFlight: true)
        #expect(tracker.isDrained)
        #expect(tracker.committable == 3)
    }

    @Test func inFlightDoesNotGoNegative() throws {
        var tracker = try tracker(tracking: [0])
        // A stray finish must not leave credit that would hide the next in-flight record.
        tracker.finish(0, wasInFlight: true)
        #expect(tracker.inFlight == 0)
        tracker.began()
        #expect(!tracker.isDrained)
    }

    @Test func finishOfAnUntrackedOffsetStillEndsItsInFlightWork() throws {
        // The offset bookkeeping and the in-flight count are separate: a request's completion
        // must drain the partition even if its offset is unknown here.
        var tracker = try tracker(tracking: [0])
        tracker.began()
        tracker.finish(7)
        #expect(tracker.isDrained)
        #expect(tracker.committable == 0)
    }

    // MARK: revoking

    @Test func revokingRefusesNewRecordsButLetsInFlightOnesFinish() throws {
        var tracker = try tracker(tracking: [0, 1, 2, 3])
        tracker.began() // 0
        tracker.began() // 1
        tracker.beginRevoke()
        #expect(tracker.phase == .revoking)
        #expect(tracker.track(4) == .ignored)
        #expect(tracker.nextOffset == 4)

        tracker.finish(0)
        tracker.finish(1)
        #expect(tracker.isDrained)
        // 2 and 3 were dropped unsent: committable stops before them, the next owner reads them.
        #expect(tracker.committable == 2)
        #expect(tracker.needsCommit)
        #expect(tracker.pendingCount == 2)
    }

    @Test func beginRevokeOnlyActsOnAnActiveTracker() throws {
        var revoking = try tracker(tracking: [0])
        revoking.beginRevoke()
        let before = revoking
        revoking.beginRevoke()
        #expect(revoking == before)

        var released = try tracker(tracking: [0])
        released.release()
        released.beginRevoke()
        #expect(released.phase == .released)
    }

    // MARK: released

    @Test(arguments: [false, true])
    func releaseIgnoresEverythingAfterwards(revokedFirst: Bool) throws {
        var tracker = try tracker(tracking: [0, 1, 2])
        tracker.began()
        if revokedFirst { tracker.beginRevoke() }
        tracker.release()
        #expect(tracker.phase == .released)
        #expect(tracker.pendingCount == 0)
        #expect(!tracker.needsCommit)

        let before = tracker
        #expect(tracker.track(3) == .ignored)
        tracker.finish(0)
        tracker.finish(1, wasInFlight: false)
        // A no-op, including for the in-flight count: the partition belongs to someone else.
        #expect(tracker == before)
        #expect(tracker.inFlight == 1)
        #expect(!tracker.needsCommit)
        tracker.markCommitted(3)
        #expect(!tracker.needsCommit)
    }

    // MARK: finishing many at once

    @Test("finish(offsets:) leaves the tracker as finishing each offset in turn does, in any order")
    func batchFinishMatchesOneByOne() throws {
        var random = SplitMix64(state: 0xF1_A15E)
        for round in 0..<300 {
            // Offsets with gaps, some already final before the batch finishes.
            var offsets: [Int64] = []
            var next: Int64 = Int64(random.next() % 50)
            for _ in 0..<Int(1 + random.next() % 40) {
                offsets.append(next)
                next += Int64(1 + random.next() % 3)
            }
            var batch = try tracker(tracking: offsets)
            batch.began(count: offsets.count)
            var single = batch
            let earlier = offsets.filter { _ in random.next() % 5 == 0 }
            for offset in earlier {
                batch.finish(offset)
                single.finish(offset)
            }
            // Mostly in order (the common case), sometimes shuffled or with repeats.
            var finishing = offsets.filter { _ in random.next() % 4 != 0 }
            if random.next() % 3 == 0 { finishing.shuffle(using: &random) }
            if random.next() % 5 == 0, let repeated = finishing.first { finishing.append(repeated) }
            batch.finish(offsets: finishing)
            for offset in finishing { single.finish(offset) }
            #expect(batch == single, "round \(round)")
            #expect(batch.committable == single.committable, "round \(round)")
            #expect(batch.inFlight == single.inFlight, "round \(round)")
            #expect(batch.pendingCount == single.pendingCount, "round \(round)")
        }
    }
}
