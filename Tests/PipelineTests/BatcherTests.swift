import Kafka
@testable import Pipeline
import Testing
import TestSupport

/// A record of `bytes` item bytes on partition `partition` of one topic.
private func sinkRecord(_ partition: Int32, _ offset: Int64, bytes: Int = 10) -> SinkRecord {
    let value = [UInt8](repeating: UInt8(ascii: "x"), count: bytes)
    return SinkRecord(
        message: KafkaMessage(topic: "events", partition: partition, offset: offset, key: nil, value: value),
        eventId: "e-\(partition)-\(offset)",
        preparedItem: nil)
}

/// `partition:offset` of each record, in batch order.
private func coordinates(_ records: [SinkRecord]) -> [String] {
    records.map { "\($0.message.partition):\($0.message.offset)" }
}

private func partition(_ number: Int32) -> TopicPartition {
    TopicPartition(topic: "events", partition: number)
}

/// `{"items":[]}`: what a request adds around its items.
private let envelope = 12


@Suite("Batcher")
struct BatcherTests {
    let t0 = ContinuousClock.now

    // MARK: empty

    @Test func emptyBatcherHasNothingReady() {
        var batcher = Batcher(maxItems: 10, maxBytes: 1000, linger: .milliseconds(150))
        #expect(batcher.isEmpty)
        #expect(!batcher.hasReadyBatch(now: t0, flush: true))
        #expect(batcher.nextDeadline() == nil)
        #expect(batcher.takeBatch(id: 1).isEmpty)
        #expect(batcher.busy.isEmpty)
    }

    @Test("a partition's run appended at once batches as the same records appended one by one")
    func appendingARunMatchesAppendingEachRecord() {
        var one = Batcher(maxItems: 4, maxBytes: 1000, linger: .milliseconds(150))
        var run = one
        let first = (0..<3).map { sinkRecord(1, $0, bytes: 5) }
        let second = (3..<6).map { sinkRecord(1, $0, bytes: 7) }
        let other = (0..<2).map { sinkRecord(2, $0) }
        // Distinct times: batches fill from the oldest partition, and ties have no set order.
        for record in first { one.append(record, now: t0) }
        for record in other { one.append(record, now: t0 + .milliseconds(1)) }
        for record in second { one.append(record, now: t0 + .milliseconds(2)) }
        run.append(contentsOf: first, now: t0)
        run.append(contentsOf: other, now: t0 + .milliseconds(1))
        run.append(contentsOf: second, now: t0 + .milliseconds(2))
        run.append(contentsOf: [], now: t0)
        #expect(run.count == one.count)
        #expect(run.bytes == one.bytes)
        #expect(run.nextDeadline() == one.nextDeadline())
        for id in 1...3 {
            #expect(coordinates(run.takeBatch(id: id)) == coordinates(one.takeBatch(id: id)))
            run.release(batch: id)
            one.release(batch: id)
        }
        #expect(run.isEmpty && one.isEmpty)
    }

    @Test func limitsAreAtLeastOne() {
        // A zero limit would never let a batch out.
        let batcher = Batcher(maxItems: 0, maxBytes: -5, linger: .zero)
        #expect(batcher.maxItems == 1)
        #expect(batcher.maxBytes == 1)
    }

    // MARK: linger

    @Test func lingerMakesABatchReadyOnceTheOldestRecordWaitedLongEnough() {
        var batcher = Batcher(maxItems: 100, maxBytes: 1_000_000, linger: .milliseconds(150))
        batcher.append(sinkRecord(0, 0), now: t0)
        batcher.append(sinkRecord(1, 0), now: t0 + .milliseconds(100))
        #expect(batcher.nextDeadline() == t0 + .milliseconds(150))
        #expect(!batcher.hasReadyBatch(now: t0, flush: false))
        #expect(!batcher.hasReadyBatch(now: t0 + .milliseconds(149), flush: false))
        #expect(batcher.hasReadyBatch(now: t0 + .milliseconds(150), flush: false))
        #expect(batcher.hasReadyBatch(now: t0 + .seconds(5), flush: false))
    }

    @Test func flushMakesAnyWaitingRecordReady() {
        var batcher = Batcher(maxItems: 100, maxBytes: 1_000_000, linger: .seconds(3600))
        batcher.append(sinkRecord(0, 0), now: t0)
        #expect(!batcher.hasReadyBatch(now: t0, flush: false))
        #expect(batcher.hasReadyBatch(now: t0, flush: true))
    }

    @Test func nextDeadlineIgnoresBusyPartitions() {
        var batcher = Batcher(maxItems: 1, maxBytes: 1_000_000, linger: .milliseconds(150))
        batcher.append(sinkRecord(0, 0), now: t0)
        batcher.append(sinkRecord(0, 1), now: t0)
        batcher.append(sinkRecord(1, 0), now: t0 + .milliseconds(40))
        #expect(coordinates(batcher.takeBatch(id: 1)) == ["0:0"])
        // Partition 0 still has a record, but it cannot go before batch 1 is done.
        #expect(batcher.nextDeadline() == t0 + .milliseconds(190))
        #expect(coordinates(batcher.takeBatch(id: 2)) == ["1:0"])
        #expect(batcher.nextDeadline() == nil)
        #expect(!batcher.hasReadyBatch(now: t0 + .seconds(10), flush: true))
        batcher.release(batch: 1)
        #expect(batcher.nextDeadline() == t0 + .milliseconds(150))
    }

    // MARK: item limit

    @Test func itemLimitMakesABatchReadyBeforeLinger() {
        var batcher = Batcher(maxItems: 3, maxBytes: 1_000_000, linger: .seconds(3600))
        batcher.append(sinkRecord(0, 0), now: t0)
        batcher.append(sinkRecord(1, 0), now: t0)
        #expect(!batcher.hasReadyBatch(now: t0, flush: false))
        // Items on different partitions add up towards the limit.
        batcher.append(sinkRecord(0, 1), now: t0)
        #expect(batcher.hasReadyBatch(now: t0, flush: false))
    }

    @Test func batchesHoldAtMostMaxItems() {
        var batcher = Batcher(maxItems: 3, maxBytes: 1_000_000, linger: .zero)
        for offset in 0..<7 { batcher.append(sinkRecord(0, Int64(offset)), now: t0) }
        #expect(coordinates(batcher.takeBatch(id: 1)) == ["0:0", "0:1", "0:2"])
        batcher.release(batch: 1)
        #expect(coordinates(batcher.takeBatch(id: 2)) == ["0:3", "0:4", "0:5"])
        batcher.release(batch: 2)
        #expect(coordinates(batcher.takeBatch(id: 3)) == ["0:6"])
        #expect(batcher.isEmpty)
    }

    // MARK: byte limit

    @Test func byteLimitCountsTheEnvelopeAndCommas() {
        // Two 10-byte items make `{"items":[a,b]}`: 12 + 10 + 1 + 10 = 33 bytes.
        var exact = Batcher(maxItems: 100, maxBytes: envelope + 21, linger: .seconds(3600))
        var short = Batcher(maxItems: 100, maxBytes: envelope + 20, linger: .seconds(3600))
        for offset in 0..<3 {
            exact.append(sinkRecord(0, Int64(offset)), now: t0)
            short.append(sinkRecord(0, Int64(offset)), now: t0)
        }
        #expect(exact.hasReadyBatch(now: t0, flush: false))
        #expect(short.hasReadyBatch(now: t0, flush: false))
        #expect(coordinates(exact.takeBatch(id: 1)) == ["0:0", "0:1"])
        #expect(coordinates(short.takeBatch(id: 1)) == ["0:0"])
        #expect(exact.bytes == 10)
        #expect(short.bytes == 20)
    }

    @Test func recordsBelowTheByteLimitWaitForLinger() {
        var batcher = Batcher(maxItems: 100, maxBytes: 100, linger: .seconds(3600))
        batcher.append(sinkRecord(0, 0, bytes: 40), now: t0)
        batcher.append(sinkRecord(1, 0, bytes: 40), now: t0)
        // `{"items":[a,b]}` is 12 + 40 + 1 + 40 = 93 bytes: a small third item could still fit.
        #expect(!batcher.hasReadyBatch(now: t0, flush: false))
    }

    @Test func aBatchThatCannotGrowIsReady() {
        var batcher = Batcher(maxItems: 100, maxBytes: 100, linger: .seconds(3600))
        batcher.append(sinkRecord(0, 0, bytes: 43), now: t0)
        #expect(!batcher.hasReadyBatch(now: t0, flush: false))
        // 12 + 43 + 1 + 43 = 99 bytes; any further item costs at least two more, so send now.
        batcher.append(sinkRecord(1, 0, bytes: 43), now: t0 + .milliseconds(1))
        #expect(batcher.hasReadyBatch(now: t0 + .milliseconds(1), flush: false))
        #expect(coordinates(batcher.takeBatch(id: 1)) == ["0:0", "1:0"])
    }

    @Test func anOversizeRecordStillGoesAlone() {
        var batcher = Batcher(maxItems: 100, maxBytes: 50, linger: .seconds(3600))
        batcher.append(sinkRecord(0, 0, bytes: 10), now: t0)
        batcher.append(sinkRecord(0, 1, bytes: 500), now: t0)
        batcher.append(sinkRecord(0, 2, bytes: 10), now: t0)
        #expect(batcher.hasReadyBatch(now: t0, flush: false))
        // The small record in front goes without the oversize one.
        #expect(coordinates(batcher.takeBatch(id: 1)) == ["0:0"])
        batcher.release(batch: 1)
        // The oversize one goes on its own: the API's 413 decides, not a guess of ours.
        #expect(batcher.hasReadyBatch(now: t0, flush: false))
        #expect(coordinates(batcher.takeBatch(id: 2)) == ["0:1"])
        batcher.release(batch: 2)
        #expect(coordinates(batcher.takeBatch(id: 3)) == ["0:2"])
        #expect(batcher.isEmpty)
        #expect(batcher.bytes == 0)
    }

    // MARK: busy partitions

    @Test func aBusyPartitionIsNeverInTwoBatches() {
        var batcher = Batcher(maxItems: 100, maxBytes: 1_000_000, linger: .zero)
        batcher.append(sinkRecord(0, 0), now: t0)
        #expect(coordinates(batcher.takeBatch(id: 1)) == ["0:0"])
        #expect(batcher.busy == [partition(0): 1])

        batcher.append(sinkRecord(0, 1), now: t0)
        batcher.append(sinkRecord(0, 2), now: t0)
        #expect(!batcher.hasReadyBatch(now: t0 + .seconds(1), flush: true))
        #expect(batcher.takeBatch(id: 2).isEmpty)
        #expect(batcher.busy == [partition(0): 1])
        #expect(batcher.count == 2)

        batcher.release(batch: 1)
        #expect(batcher.busy.isEmpty)
        #expect(coordinates(batcher.takeBatch(id: 2)) == ["0:1", "0:2"])
        #expect(batcher.busy == [partition(0): 2])
    }

    @Test func busyPartitionsDoNotCountTowardsReadiness() {
        var batcher = Batcher(maxItems: 2, maxBytes: 1_000_000, linger: .seconds(3600))
        for offset in 0..<5 { batcher.append(sinkRecord(0, Int64(offset)), now: t0) }
        _ = batcher.takeBatch(id: 1)
        // Three records wait on partition 0, over the item limit, but none of them may go.
        #expect(!batcher.hasReadyBatch(now: t0, flush: false))
        batcher.release(batch: 1)
        #expect(batcher.hasReadyBatch(now: t0, flush: false))
    }

    @Test func partialDrainKeepsThePartitionBusy() {
        var batcher = Batcher(maxItems: 2, maxBytes: 1_000_000, linger: .zero)
        for offset in 0..<5 { batcher.append(sinkRecord(0, Int64(offset)), now: t0) }
        batcher.append(sinkRecord(1, 0), now: t0 + .milliseconds(1))
        #expect(coordinates(batcher.takeBatch(id: 1)) == ["0:0", "0:1"])
        #expect(batcher.busy == [partition(0): 1])
        #expect(batcher.queuedPartitions() == [partition(0), partition(1)])
        #expect(batcher.count == 4)
        // The rest of partition 0 must wait for batch 1; partition 1 is free.
        #expect(coordinates(batcher.takeBatch(id: 2)) == ["1:0"])
        #expect(batcher.takeBatch(id: 3).isEmpty)
        batcher.release(batch: 1)
        #expect(coordinates(batcher.takeBatch(id: 3)) == ["0:2", "0:3"])
    }

    @Test func releaseFreesOnlyThatBatchsPartitions() {
        var batcher = Batcher(maxItems: 3, maxBytes: 1_000_000, linger: .zero)
        // Batch 1 spans partitions 0 and 1, batch 2 takes partition 2.
        batcher.append(sinkRecord(0, 0), now: t0)
        batcher.append(sinkRecord(0, 1), now: t0)
        batcher.append(sinkRecord(1, 0), now: t0 + .milliseconds(1))
        batcher.append(sinkRecord(2, 0), now: t0 + .milliseconds(2))
        #expect(coordinates(batcher.takeBatch(id: 1)) == ["0:0", "0:1", "1:0"])
        #expect(coordinates(batcher.takeBatch(id: 2)) == ["2:0"])
        #expect(batcher.busy == [partition(0): 1, partition(1): 1, partition(2): 2])

        batcher.release(batch: 2)
        #expect(batcher.busy == [partition(0): 1, partition(1): 1])
        batcher.release(batch: 99) // unknown: nothing changes
        #expect(batcher.busy == [partition(0): 1, partition(1): 1])
        batcher.release(batch: 1)
        #expect(batcher.busy.isEmpty)
    }

    // MARK: fill order

    @Test func fillsFromTheOldestPartitionTakingWholeRuns() {
        var batcher = Batcher(maxItems: 100, maxBytes: 1_000_000, linger: .zero)
        batcher.append(sinkRecord(1, 10), now: t0)
        batcher.append(sinkRecord(0, 20), now: t0 + .milliseconds(1))
        batcher.append(sinkRecord(2, 30), now: t0 + .milliseconds(2))
        // Newer records of partition 1 travel with its oldest one, in offset order.
        batcher.append(sinkRecord(1, 11), now: t0 + .milliseconds(3))
        batcher.append(sinkRecord(0, 21), now: t0 + .milliseconds(4))
        #expect(coordinates(batcher.takeBatch(id: 1)) == ["1:10", "1:11", "0:20", "0:21", "2:30"])
        #expect(Set(batcher.busy.keys) == [partition(0), partition(1), partition(2)])
    }

    @Test func aFullBatchLeavesYoungerPartitionsFree() {
        var batcher = Batcher(maxItems: 2, maxBytes: 1_000_000, linger: .zero)
        batcher.append(sinkRecord(3, 0), now: t0 + .milliseconds(5))
        batcher.append(sinkRecord(7, 0), now: t0)
        batcher.append(sinkRecord(7, 1), now: t0 + .milliseconds(9))
        #expect(coordinates(batcher.takeBatch(id: 1)) == ["7:0", "7:1"])
        #expect(batcher.busy == [partition(7): 1])
        #expect(coordinates(batcher.takeBatch(id: 2)) == ["3:0"])
    }

    // MARK: removeAll

    @Test func removeAllDropsWaitingRecordsAndKeepsTheCounts() {
        var batcher = Batcher(maxItems: 1, maxBytes: 1_000_000, linger: .zero)
        batcher.append(sinkRecord(0, 0, bytes: 5), now: t0)
        batcher.append(sinkRecord(0, 1, bytes: 6), now: t0)
        batcher.append(sinkRecord(0, 2, bytes: 7), now: t0)
        batcher.append(sinkRecord(1, 0, bytes: 100), now: t0 + .milliseconds(1))
        batcher.append(sinkRecord(2, 0, bytes: 1000), now: t0 + .milliseconds(2))
        #expect(coordinates(batcher.takeBatch(id: 1)) == ["0:0"])
        #expect(batcher.count == 4)
        #expect(batcher.bytes == 1113)

        let removed = batcher.removeAll(for: [partition(0), partition(1), partition(9)])
        #expect(coordinates(removed).sorted() == ["0:1", "0:2", "1:0"])
        // Within a partition, in offset order.
        #expect(coordinates(removed.filter { $0.message.partition == 0 }) == ["0:1", "0:2"])
        #expect(batcher.count == 1)
        #expect(batcher.bytes == 1000)
        #expect(batcher.queuedPartitions() == [partition(2)])
        // The request in flight still holds partition 0 until its outcome arrives.
        #expect(batcher.busy == [partition(0): 1])

        #expect(batcher.removeAll(for: [partition(0)]).isEmpty)
        #expect(coordinates(batcher.removeAll(for: [partition(2)])) == ["2:0"])
        #expect(batcher.isEmpty)
        #expect(batcher.bytes == 0)
    }

    @Test func countAndBytesFollowAppendAndTake() {
        var batcher = Batcher(maxItems: 2, maxBytes: 1_000_000, linger: .zero)
        batcher.append(sinkRecord(0, 0, bytes: 3), now: t0)
        batcher.append(sinkRecord(0, 1, bytes: 4), now: t0)
        batcher.append(sinkRecord(1, 0, bytes: 5), now: t0 + .milliseconds(1))
        #expect(batcher.count == 3)
        #expect(batcher.bytes == 12)
        _ = batcher.takeBatch(id: 1)
        #expect(batcher.count == 1)
        #expect(batcher.bytes == 5)
        #expect(!batcher.isEmpty)
    }

    @Test func preparedItemBytesAreWhatCounts() {
        // A record whose eventId was spliced in is sent as `preparedItem`, so that is its size.
        var batcher = Batcher(maxItems: 100, maxBytes: 1_000_000, linger: .zero)
        let message = KafkaMessage(topic: "events", partition: 0, offset: 0, key: nil, value: Array("{}".utf8))
        batcher.append(SinkRecord(message: message, eventId: "id", preparedItem: Array(repeating: 0x20, count: 30)), now: t0)
        #expect(batcher.bytes == 30)
    }

    // MARK: randomised schedule

    @Test("Random schedules never put a partition in two requests, nor lose or repeat a record",
          arguments: [UInt64(1), 2, 3, 42, 2024])
    func randomSchedule(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        var batcher = Batcher(maxItems: 4, maxBytes: envelope + 60, linger: .milliseconds(10))
        var nextOffset: [Int32: Int64] = [:]
        var inFlight: [Int: [SinkRecord]] = [:]
        var delivered: [Int32: [Int64]] = [:]
        var appended = 0
        var now = t0
        var nextID = 0

        for _ in 0..<2000 {
            now = now + .milliseconds(Int.random(in: 0...3, using: &random))
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let p = Int32.random(in: 0..<4, using: &random)
                let offset = nextOffset[p, default: 0]
                nextOffset[p] = offset + Int64.random(in: 1...2, using: &random) // gaps too
                batcher.append(sinkRecord(p, offset, bytes: Int.random(in: 1...70, using: &random)), now: now)
                appended += 1
            case 5..<8:
                guard batcher.hasReadyBatch(now: now, flush: false) else { continue }
                nextID += 1
                let batch = batcher.takeBatch(id: nextID)
                try #require(!batch.isEmpty, "a ready batch must yield records")
                let partitions = Set(batch.map(\.topicPartition))
                let taken = Set(inFlight.values.flatMap { $0.map(\.topicPartition) })
                #expect(partitions.isDisjoint(with: taken), "partition in two requests")
                #expect(batch.count <= batcher.maxItems)
                if batch.count > 1 {
                    let size = envelope + batch.reduce(0) { $0 + $1.byteCount } + batch.count - 1
                    #expect(size <= batcher.maxBytes)
                }
                for record in batch { #expect(batcher.busy[record.topicPartition] == nextID) }
                inFlight[nextID] = batch
            default:
                guard let id = inFlight.keys.min() else { continue }
                for record in inFlight.removeValue(forKey: id)! {
                    delivered[record.message.partition, default: []].append(record.message.offset)
                }
                batcher.release(batch: id)
            }
        }
        // Drain whatever is left.
        while !batcher.isEmpty || !inFlight.isEmpty {
            for (id, batch) in inFlight {
                for record in batch { delivered[record.message.partition, default: []].append(record.message.offset) }
                batcher.release(batch: id)
            }
            inFlight = [:]
            nextID += 1
            let batch = batcher.takeBatch(id: nextID)
            if !batch.isEmpty { inFlight[nextID] = batch }
        }
        #expect(delivered.values.reduce(0) { $0 + $1.count } == appended)
        for (p, offsets) in delivered {
            // One request per partition at a time means offsets arrive in order, each once.
            #expect(offsets == offsets.sorted() && Set(offsets).count == offsets.count, "partition \(p)")
        }
        #expect(batcher.busy.isEmpty)
        #expect(batcher.count == 0 && batcher.bytes == 0)
    }
}
