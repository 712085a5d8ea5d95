import DequeModule
import IngestionAPI
import Kafka

/// Stage 3: micro-batching by items, request bytes and linger.
///
/// Records wait in per-partition queues. A batch takes only from partitions that have no request
/// in flight (`busy`), so each partition is in at most one request at a time and its records
/// reach the API in offset order. It fills from the partition whose oldest record waited longest,
/// taking whole runs, so batches touch few partitions and leave the rest free for other requests.
struct Batcher {
    struct Entry {
        let record: SinkRecord
        /// Since `origin`. A `Duration`, not an instant: `ContinuousClock.Instant` comes from a
        /// resilient module, so an entry holding one was copied through value witnesses, a
        /// call per copy, on every record's way through the queues.
        let enqueuedAt: Duration
    }

    /// One partition's waiting records, with their item bytes plus one separator each, kept as
    /// they change so that readiness never has to walk the records.
    struct Queue {
        var entries: Deque<Entry> = []
        var bytes = 0

        var first: Entry? { entries.first }
        var isEmpty: Bool { entries.isEmpty }
        var count: Int { entries.count }
    }

    let maxItems: Int
    let maxBytes: Int
    let linger: Duration
    /// What `Entry.enqueuedAt` counts from.
    private let origin = ContinuousClock.now
    private var queues: [TopicPartition: Queue] = [:]
    /// Partitions with a request in flight, and which batch holds each.
    private(set) var busy: [TopicPartition: Int] = [:]
    private(set) var count = 0
    private(set) var bytes = 0

    // `{"items":[` and `]}`: what a request adds around its items.
    private static let envelopeBytes = ManyCustomerMetadataRequest.bodySize(itemByteCounts: [Int]())

    init(maxItems: Int, maxBytes: Int, linger: Duration) {
        self.maxItems = max(1, maxItems)
        self.maxBytes = max(1, maxBytes)
        self.linger = linger
    }

    var isEmpty: Bool { count == 0 }

    mutating func append(_ record: SinkRecord, now: ContinuousClock.Instant) {
        queues[record.topicPartition, default: Queue()].append(Entry(record: record, enqueuedAt: now - origin))
        count += 1
        bytes += record.byteCount
    }

    /// Appends records of one partition, in order: one queue lookup for all of them.
    mutating func append(contentsOf records: [SinkRecord], now: ContinuousClock.Instant) {
        guard let partition = records.first?.topicPartition else { return }
        var queue = queues.removeValue(forKey: partition) ?? Queue()
        let enqueuedAt = now - origin
        for record in records {
            assert(record.topicPartition == partition, "append(contentsOf:) takes the records of one partition")
            queue.append(Entry(record: record, enqueuedAt: enqueuedAt))
            bytes += record.byteCount
        }
        count += records.count
        queues[partition] = queue
    }

    /// Whether a batch should go now: enough items or bytes are waiting on free partitions,
    /// the oldest of them has waited `linger`, or `flush` asks for everything.
    func hasReadyBatch(now: ContinuousClock.Instant, flush: Bool) -> Bool {
        var items = 0
        var size = Self.envelopeBytes
        var oldest: Duration?
        for (partition, queue) in queues where busy[partition] == nil {
            guard let first = queue.first else { continue }
            items += queue.count
            size += queue.bytes
            if oldest == nil || first.enqueuedAt < oldest! { oldest = first.enqueuedAt }
            if items >= maxItems || size >= maxBytes { return true }
        }
        guard let oldest else { return false }
        return flush || (now - origin) - oldest >= linger
    }

    /// When the oldest record on a free partition will have waited `linger`.
    func nextDeadline() -> ContinuousClock.Instant? {
        queues.lazy.filter { busy[$0.key] == nil }.compactMap { $0.value.first?.enqueuedAt }.min().map { origin + $0 + linger }
    }

    /// Takes the next batch and marks its partitions busy. A record larger than `maxBytes` still
    /// goes, alone: the API's answer (413) decides its fate, not a guess of ours.
    mutating func takeBatch(id: Int) -> [SinkRecord] {
        let candidates = queues
            .compactMap { entry in busy[entry.key] == nil ? entry.value.first.map { (entry.key, $0.enqueuedAt) } : nil }
            .sorted { $0.1 < $1.1 }
        var batch: [SinkRecord] = []
        batch.reserveCapacity(min(maxItems, count))
        var size = Self.envelopeBytes
        var full = false
        for (partition, _) in candidates {
            // Taken out of the dictionary while it is drained: one lookup per partition, not per record.
            guard var queue = queues.removeValue(forKey: partition) else { continue }
            // Read in place, then removed from the front in one step: no copy of each entry
            // out of the deque and no per-entry bookkeeping on the queue.
            var taken = 0
            var takenBytes = 0
            for entry in queue.entries {
                let added = entry.record.byteCount + (batch.isEmpty ? 0 : 1)
                if !batch.isEmpty && (batch.count >= maxItems || size + added > maxBytes) {
                    full = true
                    break
                }
                batch.append(entry.record)
                size += added
                taken += 1
                takenBytes += entry.record.byteCount
                if batch.count >= maxItems {
                    full = true
                    break
                }
            }
            queue.removeFirst(taken, bytes: takenBytes)
            count -= taken
            bytes -= takenBytes
            if taken > 0 { busy[partition] = id }
            if !queue.isEmpty { queues[partition] = queue }
            if full { break }
        }
        return batch
    }

    /// The request `id` is done; its partitions may be batched again.
    mutating func release(batch id: Int) {
        busy = busy.filter { $0.value != id }
    }

    /// Drops what waits for these partitions (revoked: the next owner reads them again).
    mutating func removeAll(for partitions: Set<TopicPartition>) -> [SinkRecord] {
        var removed: [SinkRecord] = []
        for partition in partitions {
            guard let queue = queues.removeValue(forKey: partition) else { continue }
            for entry in queue.entries {
                removed.append(entry.record)
                count -= 1
                bytes -= entry.record.byteCount
            }
        }
        return removed
    }

    func queuedPartitions() -> Set<TopicPartition> {
        Set(queues.filter { !$0.value.isEmpty }.keys)
    }
}

extension Batcher.Queue {
    mutating func append(_ entry: Batcher.Entry) {
        entries.append(entry)
        bytes += entry.record.byteCount + 1
    }

    /// Drops the first `count` entries, whose records' byte counts add up to `recordBytes`.
    mutating func removeFirst(_ count: Int, bytes recordBytes: Int) {
        entries.removeFirst(count)
        bytes -= recordBytes + count
    }
}
