import Foundation
import IngestionAPI
import Kafka
import Logging

/// The pipeline's state and its reaction to each input, read top to bottom:
/// decode → validate → batch → request → outcome → dead-letter → commit.
///
/// It runs on one task only (the loop in `SinkPipeline.run`), so it needs no locks; the slow
/// parts (HTTP requests, dead-letter produces) run as separate tasks that report back as inputs.
final class PipelineEngine {
    let configuration: PipelineConfiguration
    let mode: SinkPipeline.Mode
    /// Whether offsets are committed: in a consumer group and a redrive, unless it is a dry run.
    let commits: Bool
    let consumer: KafkaConsumer
    let health: SinkHealth
    let metrics: SinkMetrics
    let progress: CommitProgress
    let logger: Logger

    /// Decode and validate: run by `SinkPipeline` as messages arrive, and here for messages that
    /// reach the engine unchecked.
    let intake: RecordIntake
    private var batcher: Batcher
    private(set) var lifecycle = ConsumerLifecycle()
    private var trackers: [TopicPartition: PartitionOffsetTracker] = [:]

    // Work handed out and not yet back, with the assignment epoch of each partition it touches.
    private struct InFlight<Item> {
        var items: [Item]
        var epochs: [TopicPartition: Int]
    }

    private var nextID = 0
    private var nextEpoch = 0
    private var batchesInFlight: [Int: InFlight<SinkRecord>] = [:]
    private var deadLettersInFlight: [Int: InFlight<DeadLetter>] = [:]
    private(set) var tasks: [PipelineTask] = []

    // Memory bound: records read and not final.
    private var receivedMessages = 0
    private var bufferedRecords = 0
    private var bufferedBytes = 0

    // Why each partition is paused; it is resumed when no reason is left.
    enum PauseReason: Hashable {
        case retrying
        case bufferFull
        case draining
        case rangeEnd
    }

    private var pauseReasons: [TopicPartition: Set<PauseReason>] = [:]

    private struct PendingRevocation {
        let partitions: Set<TopicPartition>
        let revocation: KafkaRevocation
        let deadline: ContinuousClock.Instant
    }

    private var revocations: [PendingRevocation] = []
    /// Range partitions whose every record before the end has been handed over (a record at or
    /// past the end arrived, or the consumer reported the partition's end there), so that gaps
    /// in offsets (compaction, transaction markers) cannot keep a range from completing.
    private var rangeDelivered: Set<TopicPartition> = []
    private var drainDeadline: ContinuousClock.Instant?
    private var lastCommit = ContinuousClock.now
    private var unfetchedWatch: UnfetchedPartitionWatch
    private(set) var finished = false

    init(
        configuration: PipelineConfiguration,
        mode: SinkPipeline.Mode,
        dryRun: Bool = false,
        consumer: KafkaConsumer,
        health: SinkHealth,
        metrics: SinkMetrics,
        progress: CommitProgress,
        logger: Logger
    ) {
        self.configuration = configuration
        self.mode = mode
        self.commits = mode.commitsOffsets && !dryRun
        self.consumer = consumer
        self.health = health
        self.metrics = metrics
        self.progress = progress
        self.logger = logger
        self.intake = RecordIntake(mode: mode, maxDepth: configuration.maxJSONDepth)
        self.unfetchedWatch = UnfetchedPartitionWatch(threshold: configuration.unfetchedPartitionWarning)
        self.batcher = Batcher(
            maxItems: configuration.effectiveBatchMaxItems,
            maxBytes: configuration.batchMaxBytes,
            linger: configuration.linger)
        switch mode {
        case .consumerGroup:
            lifecycle.subscribed()
        case .range(let start, _), .redrive(let start, _, _):
            // A range is assigned up front, without a group rebalance.
            lifecycle.subscribed()
            lifecycle.assigned()
            for partition in start.keys {
                trackers[partition] = PartitionOffsetTracker(epoch: 0)
                unfetchedWatch.assigned(partition, at: ContinuousClock.now)
            }
            health.setJoinedGroup(true)
            checkRangeComplete()
        }
    }

    /// Tasks to start, handed over once.
    func takeTasks() -> [PipelineTask] {
        defer { tasks = [] }
        return tasks
    }

    func handle(_ input: PipelineInput) {
        switch input {
        case .consumer(.messages(let messages)):
            receivedMessages += messages.count
            receive(intake.check(messages))
        case .checked(let messages):
            receivedMessages += messages.count
            receive(messages)
        case .consumer(.assigned(let partitions)): assigned(partitions)
        case .consumer(.revoked(let partitions, let lost, let revocation)): revoked(partitions, lost: lost, revocation: revocation)
        case .consumer(.committed(let offsets)): acknowledged(offsets)
        case .consumer(.commitFailed(let offsets, let error)): commitFailed(offsets, error: error)
        case .consumer(.partitionEOF(let partition, let offset)): partitionEnded(partition, at: offset)
        case .consumer(.error(let error)):
            logger.warning("kafka consumer reported an error", metadata: ["error": "\(error.name): \(error.message)"])
        case .consumerEnded:
            finished = true
        case .batchRetrying(let batch):
            if let inFlight = batchesInFlight[batch] {
                setPause(.retrying, true, for: Set(inFlight.epochs.keys))
            }
        case .batchDone(let batch, let outcomes): batchDone(batch, outcomes: outcomes)
        case .deadLettered(let batch): deadLettered(batch)
        case .tick: break
        case .shutdown(let grace): beginDrain(grace: grace)
        }
        dispatchReadyBatches()
        applyBufferBound()
        settleRevocations()
        commitIfDue()
        checkDrained()
        checkRangeComplete()
        consumer.updateDeliveryWindow(received: receivedMessages, held: bufferedRecords)
    }

    // MARK: decode → validate → batch

    private func receive(_ messages: [CheckedMessage]) {
        guard lifecycle.acceptsRecords else { return }
        let now = ContinuousClock.now
        var letters: [DeadLetter] = []
        var skipped = 0
        var filtered = 0
        var consumed = 0
        var valid: [SinkRecord] = []
        // Messages come in runs of one partition (a fetch answers partition by partition): its
        // tracker is taken out for the run, and its valid records batched together, so that the
        // dictionaries are looked up once per run rather than once per record.
        for (partition, range) in Self.partitionRuns(count: messages.count, partitionAt: { messages[$0].position.topicPartition }) {
            var tracker = trackers.removeValue(forKey: partition)
            valid.removeAll(keepingCapacity: true)
            var bytes = 0
            var beyondRange = false
            for index in range {
                let offset = messages[index].position.offset
                let verdict = messages[index].verdict
                if case .beyondRange = verdict {
                    beyondRange = true
                    continue
                }
                guard tracker?.track(offset) == .tracked else { continue }
                consumed += 1
                switch verdict {
                case .beyondRange:
                    continue
                case .notSelected:
                    // Not selected: final at once, so the redrive's group moves past it.
                    filtered += 1
                    tracker?.finish(offset, wasInFlight: false)
                    continue
                case .tombstone:
                    skipped += 1
                    tracker?.finish(offset, wasInFlight: false)
                    continue
                case .deadLetter(let letter):
                    letters.append(letter)
                case .valid(let record):
                    valid.append(record)
                }
                bytes += messages[index].valueBytes
            }
            if let tracker { trackers[partition] = tracker }
            if beyondRange {
                rangeDelivered.insert(partition)
                setPause(.rangeEnd, true, for: [partition])
            }
            batcher.append(contentsOf: valid, now: now)
            bufferedRecords += valid.count
            bufferedBytes += bytes
        }
        bufferedRecords += letters.count
        metrics.consumed(consumed)
        if skipped > 0 { metrics.skipped(skipped) }
        if filtered > 0 { metrics.filtered(filtered) }
        if !letters.isEmpty {
            for letter in letters { trackers[letter.position.topicPartition]?.began() }
            startDeadLetters(letters)
        }
    }

    private func dispatchReadyBatches() {
        let flush = lifecycle.state == .draining
        let now = ContinuousClock.now
        while batchesInFlight.count < max(1, configuration.maxInFlight), batcher.hasReadyBatch(now: now, flush: flush) {
            let id = newID()
            let records = batcher.takeBatch(id: id)
            guard !records.isEmpty else { break }
            // A batch holds whole runs of each partition: one lookup per run, not per record.
            let runs = Self.partitionRuns(records)
            batchesInFlight[id] = InFlight(items: records, epochs: epochs(of: runs.lazy.map(\.partition)))
            for run in runs { trackers[run.partition]?.began(count: run.range.count) }
            tasks.append(.send(batch: id, records: records))
        }
        metrics.inFlightRequests(batchesInFlight.count)
    }

    /// Consecutive records read from the same partition, in order. Grouped by where each record
    /// was read (its position), not by its message: a redriven record carries its original's
    /// coordinates, but its offset is tracked in the dead-letter topic it was read from.
    static func partitionRuns(_ records: [SinkRecord]) -> [(partition: TopicPartition, range: Range<Int>)] {
        partitionRuns(count: records.count) { records[$0].position.topicPartition }
    }

    /// The runs of equal partitions among `count` elements, the partition of each given by
    /// `partitionAt` (records in a batch, checked messages as they arrive).
    static func partitionRuns(
        count: Int, partitionAt: (Int) -> TopicPartition
    ) -> [(partition: TopicPartition, range: Range<Int>)] {
        var runs: [(partition: TopicPartition, range: Range<Int>)] = []
        var start = 0
        while start < count {
            let first = partitionAt(start)
            var end = start + 1
            while end < count, partitionAt(end) == first {
                end += 1
            }
            runs.append((first, start..<end))
            start = end
        }
        return runs
    }

    private func epochs(of partitions: some Sequence<TopicPartition>) -> [TopicPartition: Int] {
        var result: [TopicPartition: Int] = [:]
        for partition in partitions where result[partition] == nil {
            if let epoch = trackers[partition]?.epoch { result[partition] = epoch }
        }
        return result
    }

    /// Marks a record final, unless its partition has since been released (and maybe reassigned).
    private func finish(_ position: ReadPosition, epochs: [TopicPartition: Int]) {
        let partition = position.topicPartition
        guard let epoch = epochs[partition], trackers[partition]?.epoch == epoch else { return }
        trackers[partition]?.finish(position.offset)
    }

    /// When the loop should wake up next for a lingering batch.
    var nextLingerDeadline: ContinuousClock.Instant? {
        batchesInFlight.count < max(1, configuration.maxInFlight) ? batcher.nextDeadline() : nil
    }

    // MARK: outcome → dead-letter

    private func batchDone(_ batch: Int, outcomes: [RecordOutcome]) {
        guard let inFlight = batchesInFlight.removeValue(forKey: batch) else { return }
        batcher.release(batch: batch)
        setPause(.retrying, false, for: Set(inFlight.epochs.keys))
        var letters: [DeadLetter] = []
        var ingested = 0
        var accepted: [Int64] = []
        for run in Self.partitionRuns(inFlight.items) {
            // Unless the partition was released (and maybe reassigned) since, its accepted
            // records are final: one tracker update per run.
            let current = inFlight.epochs[run.partition].map { trackers[run.partition]?.epoch == $0 } ?? false
            accepted.removeAll(keepingCapacity: true)
            for index in run.range where index < outcomes.count {
                let record = inFlight.items[index]
                switch outcomes[index] {
                case .accepted:
                    ingested += 1
                    bufferedRecords -= 1
                    bufferedBytes -= record.valueBytes
                    accepted.append(record.position.offset)
                case .deadLetter(let error, let status):
                    // Still in flight: final only once the broker has the dead letter.
                    var letter = DeadLetter(message: record.message, error: error, stage: .api, status: status, eventId: record.eventId)
                    letter.position = record.position
                    if case .redrive = mode { letter.redriveCount = record.priorRedrives + 1 }
                    letters.append(letter)
                }
            }
            if current, !accepted.isEmpty { trackers[run.partition]?.finish(offsets: accepted) }
        }
        metrics.ingested(ingested)
        if !letters.isEmpty { startDeadLetters(letters, epochs: inFlight.epochs) }
    }

    private func startDeadLetters(_ letters: [DeadLetter], epochs known: [TopicPartition: Int]? = nil) {
        let id = newID()
        deadLettersInFlight[id] = InFlight(items: letters, epochs: known ?? epochs(of: letters.map(\.position.topicPartition)))
        tasks.append(.deadLetter(batch: id, letters: letters))
    }

    private func deadLettered(_ batch: Int) {
        guard let inFlight = deadLettersInFlight.removeValue(forKey: batch) else { return }
        for letter in inFlight.items {
            bufferedRecords -= 1
            bufferedBytes -= letter.message.valueCount ?? 0
            finish(letter.position, epochs: inFlight.epochs)
        }
    }

    // MARK: commit

    private func commitIfDue(force: Bool = false) {
        guard commits else { return }
        let now = ContinuousClock.now
        // Also at once when nothing is left in hand: the end of a backlog is committed without
        // waiting out the interval (and commits nothing when nothing advanced).
        let idle = bufferedRecords == 0 && batchesInFlight.isEmpty && deadLettersInFlight.isEmpty
        guard force || idle || now - lastCommit >= configuration.commitInterval else { return }
        lastCommit = now
        commit(partitions: Set(trackers.keys), synchronously: force)
        reportLag()
        watchFetching(at: now)
    }

    /// Reports assigned partitions that were never fetched (see `UnfetchedPartitionWatch`).
    private func watchFetching(at now: ContinuousClock.Instant) {
        let verdict = unfetchedWatch.check(
            at: now,
            fetched: { consumer.cachedHighWatermark($0) != nil },
            paused: { pauseReasons[$0] != nil })
        for partition in verdict.newlyUnfetched {
            logger.warning("assigned partition never fetched: its records wait until it is", metadata: [
                "partition": "\(partition)", "after": "\(configuration.unfetchedPartitionWarning)",
                "hint": "check the partition's leader; restarting the sink assigns it afresh",
            ])
        }
        metrics.unfetchedPartitions(verdict.unfetched)
    }

    /// Lag is what the group still has to finish: the high watermark (as last fetched) minus the
    /// committed offset, or minus the first offset read while nothing is committed yet.
    private func reportLag() {
        for (partition, tracker) in trackers {
            guard let base = tracker.committed ?? tracker.firstOffset,
                  let high = consumer.cachedHighWatermark(partition) else { continue }
            metrics.lag(topic: partition.topic, partition: partition.partition, lag: max(0, high - base))
        }
    }

    /// Commits what is committable for these partitions.
    private func commit(partitions: Set<TopicPartition>, synchronously: Bool) {
        guard commits else { return }
        var offsets: [TopicPartition: Int64] = [:]
        for partition in partitions {
            guard let tracker = trackers[partition], tracker.needsCommit, let offset = tracker.committable else { continue }
            offsets[partition] = offset
        }
        guard !offsets.isEmpty else { return }
        do {
            try consumer.commit(offsets, synchronously: synchronously)
            if synchronously {
                acknowledged(offsets)
            } else {
                // The broker's answer arrives later as `.committed` or `.commitFailed`.
                for (partition, offset) in offsets { trackers[partition]?.markCommitRequested(offset) }
            }
        } catch {
            logger.warning("commit failed; it is made again at the next commit",
                           metadata: ["error": "\(error)", "synchronous": "\(synchronously)"])
        }
    }

    /// Offsets the broker stored. Partitions released since then still count for progress: the
    /// offsets are the group's.
    private func acknowledged(_ offsets: [TopicPartition: Int64]) {
        for (partition, offset) in offsets {
            trackers[partition]?.markCommitted(offset)
            metrics.committed(topic: partition.topic, partition: partition.partition, offset: offset)
        }
        progress.record(offsets)
    }

    /// Offsets the broker refused: committed again at the next commit, since a partition that
    /// stays assigned (a cooperative rebalance keeps it) and receives nothing new would
    /// otherwise never have them stored.
    private func commitFailed(_ offsets: [TopicPartition: Int64], error: KafkaError) {
        logger.warning("asynchronous commit refused; it is made again", metadata: [
            "error": "\(error.name): \(error.message)",
            "partitions": "\(offsets.keys.map(\.description).sorted())",
        ])
        for (partition, offset) in offsets { trackers[partition]?.commitFailed(offset) }
    }

    // MARK: rebalance

    private func assigned(_ partitions: [TopicPartition]) {
        lifecycle.assigned()
        health.setJoinedGroup(true)
        for partition in partitions where trackers[partition]?.phase != .active {
            nextEpoch += 1
            trackers[partition] = PartitionOffsetTracker(epoch: nextEpoch)
            pauseReasons[partition] = nil
            unfetchedWatch.assigned(partition, at: ContinuousClock.now)
        }
        // A partition paused when it was revoked (a batch retrying) arrives unpaused: the
        // consumer clears a stale pause before assigning, never after (see `KafkaConsumer.pause`).
        if lifecycle.state == .draining {
            setPause(.draining, true, for: Set(partitions))
        }
    }

    private func revoked(_ partitions: [TopicPartition], lost: Bool, revocation: KafkaRevocation) {
        let revoked = Set(partitions)
        lifecycle.revoking(lost: lost)
        if lost { health.setJoinedGroup(false) }
        // Unsent records are dropped: the next owner reads them again. Sent ones are awaited,
        // so that what the API accepted gets committed and is not sent twice.
        let dropped = batcher.removeAll(for: revoked)
        bufferedRecords -= dropped.count
        bufferedBytes -= dropped.reduce(0) { $0 + $1.valueBytes }
        for partition in revoked {
            trackers[partition]?.beginRevoke()
            pauseReasons[partition] = nil
        }
        if lost {
            release(revoked)
            revocation.acknowledge()
            return
        }
        revocations.append(PendingRevocation(
            partitions: revoked, revocation: revocation,
            deadline: .now + configuration.revocationDrainTimeout))
    }

    private func settleRevocations() {
        guard !revocations.isEmpty else { return }
        let now = ContinuousClock.now
        revocations.removeAll { pending in
            let drained = pending.partitions.allSatisfy { trackers[$0]?.isDrained ?? true }
            guard drained || now >= pending.deadline else { return false }
            if !drained {
                logger.warning("revoked partitions released before their in-flight work finished; the next owner re-reads it",
                               metadata: ["partitions": "\(pending.partitions.map(\.description).sorted())"])
            }
            commit(partitions: pending.partitions, synchronously: true)
            release(pending.partitions)
            pending.revocation.acknowledge()
            return true
        }
    }

    private func release(_ partitions: Set<TopicPartition>) {
        for partition in partitions {
            trackers[partition]?.release()
            trackers[partition] = nil
            unfetchedWatch.released(partition)
        }
    }

    // MARK: flow control

    private func setPause(_ reason: PauseReason, _ on: Bool, for partitions: Set<TopicPartition>) {
        var toPause: [TopicPartition] = []
        var toResume: [TopicPartition] = []
        for partition in partitions where trackers[partition] != nil {
            let before = pauseReasons[partition, default: []]
            var after = before
            if on { after.insert(reason) } else { after.remove(reason) }
            pauseReasons[partition] = after.isEmpty ? nil : after
            if before.isEmpty && !after.isEmpty { toPause.append(partition) }
            if !before.isEmpty && after.isEmpty { toResume.append(partition) }
        }
        do {
            try consumer.pause(toPause)
            try consumer.resume(toResume)
        } catch {
            logger.warning("pause/resume failed", metadata: ["error": "\(error)"])
        }
        metrics.pausedPartitions(pauseReasons.count)
    }

    /// Pauses every partition while too much is buffered; resumes below half the bound, so a
    /// backlog or an outage costs bounded memory and the consumer keeps polling (stays in its group).
    private func applyBufferBound() {
        let over = bufferedRecords >= configuration.maxBufferedRecords || bufferedBytes >= configuration.maxBufferedBytes
        let under = bufferedRecords <= configuration.maxBufferedRecords / 2 && bufferedBytes <= configuration.maxBufferedBytes / 2
        let all = Set(trackers.keys)
        if over {
            let unpaused = all.filter { pauseReasons[$0]?.contains(.bufferFull) != true }
            if !unpaused.isEmpty { setPause(.bufferFull, true, for: unpaused) }
        } else if under {
            let paused = all.filter { pauseReasons[$0]?.contains(.bufferFull) == true }
            if !paused.isEmpty { setPause(.bufferFull, false, for: paused) }
        }
    }

    // MARK: shutdown and range completion

    private func beginDrain(grace: Duration) {
        guard lifecycle.shutdownRequested() == .changed else { return }
        health.setShuttingDown(true)
        drainDeadline = .now + grace
        setPause(.draining, true, for: Set(trackers.keys))
        logger.info("draining: finishing in-flight work before committing", metadata: ["grace": "\(grace)"])
    }

    private func checkDrained() {
        guard lifecycle.state == .draining, !finished else { return }
        let idle = batcher.isEmpty && batchesInFlight.isEmpty && deadLettersInFlight.isEmpty
        let late = drainDeadline.map { ContinuousClock.now >= $0 } ?? false
        guard idle || late else { return }
        if !idle {
            logger.warning("shutdown grace ran out; committing what is final, the rest is read again on restart", metadata: [
                "buffered": "\(batcher.count)", "requestsInFlight": "\(batchesInFlight.count)",
                "deadLettersInFlight": "\(deadLettersInFlight.count)",
            ])
        }
        commitIfDue(force: true)
        for revocation in revocations { revocation.revocation.acknowledge() }
        revocations = []
        lifecycle.drained()
        finished = true
    }

    private func partitionEnded(_ partition: TopicPartition, at offset: Int64) {
        // Every record before `offset` has been handed over already: the consumer reports a
        // partition's end after its records.
        guard let end = mode.rangeBounds?.end[partition], offset >= end else { return }
        rangeDelivered.insert(partition)
    }

    private func checkRangeComplete() {
        guard let bounds = mode.rangeBounds, !finished else { return }
        let (start, end) = bounds
        let done = end.allSatisfy { partition, endOffset in
            let tracker = trackers[partition]
            let position = tracker?.committable ?? start[partition] ?? endOffset
            if position >= endOffset { return true }
            return rangeDelivered.contains(partition) && (tracker?.pendingCount ?? 0) == 0
        }
        if done && batchesInFlight.isEmpty && deadLettersInFlight.isEmpty {
            // A redrive's group records how far it got, for the next run to continue there.
            commitIfDue(force: true)
            lifecycle.shutdownRequested()
            lifecycle.drained()
            finished = true
        }
    }

    /// The offsets up to which every record in the range is final (replay progress). A range
    /// partition whose every record is final counts as at its end, even when offsets before the
    /// end were gaps.
    var positions: [TopicPartition: Int64] {
        var result = trackers.compactMapValues(\.committable)
        if let end = mode.rangeBounds?.end {
            for partition in rangeDelivered where (trackers[partition]?.pendingCount ?? 0) == 0 {
                if let endOffset = end[partition] { result[partition] = endOffset }
            }
        }
        return result
    }

    private func newID() -> Int {
        nextID += 1
        return nextID
    }
}
