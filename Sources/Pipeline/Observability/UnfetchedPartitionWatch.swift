import Kafka

/// Notices an assigned partition that the consumer never fetches.
///
/// librdkafka reports nothing when an assigned partition is never fetched: no message, no
/// error. Its leader may be unavailable, or librdkafka may have dropped the partition's fetch
/// start (2.0 discards it when a pause or resume takes a newer version at the wrong moment;
/// librdkafka issues #2190, #5591). Either way its records wait, its lag gauge never appears,
/// and the rest of the sink looks healthy. A partition counts as unfetched when no fetch
/// response has arrived for it `threshold` after its assignment, not counting time it spent
/// paused on purpose (paused, it is not meant to be fetched).
struct UnfetchedPartitionWatch {
    let threshold: Duration
    /// Since when each assigned, not-yet-fetched partition has been unpaused.
    private var waitingSince: [TopicPartition: ContinuousClock.Instant] = [:]
    /// Those already reported, so each is reported once per assignment.
    private var reported: Set<TopicPartition> = []

    init(threshold: Duration) {
        self.threshold = threshold
    }

    mutating func assigned(_ partition: TopicPartition, at now: ContinuousClock.Instant) {
        waitingSince[partition] = now
        reported.remove(partition)
    }

    mutating func released(_ partition: TopicPartition) {
        waitingSince[partition] = nil
        reported.remove(partition)
    }

    struct Verdict: Equatable {
        /// Unfetched partitions not reported before.
        var newlyUnfetched: [TopicPartition]
        /// Every partition unfetched now.
        var unfetched: Int
    }

    /// Updates the watch; `fetched` tells whether a fetch response has arrived for a partition,
    /// `paused` whether the sink holds it paused.
    mutating func check(
        at now: ContinuousClock.Instant,
        fetched: (TopicPartition) -> Bool,
        paused: (TopicPartition) -> Bool
    ) -> Verdict {
        var newly: [TopicPartition] = []
        for (partition, since) in waitingSince {
            if fetched(partition) {
                // Fetched once is enough: from then on lag and progress tell the story.
                waitingSince[partition] = nil
                reported.remove(partition)
            } else if paused(partition) {
                waitingSince[partition] = now
            } else if now - since >= threshold, !reported.contains(partition) {
                reported.insert(partition)
                newly.append(partition)
            }
        }
        return Verdict(newlyUnfetched: newly.sorted(), unfetched: reported.count)
    }
}
