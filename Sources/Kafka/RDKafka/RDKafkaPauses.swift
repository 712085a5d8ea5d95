import CRdKafka
import Synchronization

/// The partitions the application has paused, so that a stale pause is cleared before a
/// partition is assigned again, never after.
///
/// librdkafka keeps an application pause across revocation and reassignment, so a partition
/// paused when it was taken away would never be read again once given back. Resuming it right
/// after the assignment is not safe: every pause or resume takes a new version of the
/// partition's operations, and librdkafka 2.0 discards its own start-fetching operation when a
/// newer version was taken between creating and serving it (librdkafka issues #2190, #5591).
/// The partition then stays assigned and is never fetched, with no message and no error. So the
/// stale pause is lifted on the rebalance path, before `assign`, where it is ordered before the
/// fetch start; and a partition that was never paused is not touched at all.
final class RDKafkaPauses: Sendable {
    private let paused = Mutex<Set<TopicPartition>>([])

    func pause(_ partitions: [TopicPartition], rk: OpaquePointer) throws(KafkaError) {
        try change(partitions, paused: true, rk: rk)
    }

    func resume(_ partitions: [TopicPartition], rk: OpaquePointer) throws(KafkaError) {
        try change(partitions, paused: false, rk: rk)
    }

    private func change(_ partitions: [TopicPartition], paused pausing: Bool, rk: OpaquePointer) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        // Under the lock, so that the set and librdkafka's flags change in the same order as
        // `clearBeforeAssigning` sees them.
        let err = paused.withLock { set in
            if pausing { set.formUnion(partitions) } else { set.subtract(partitions) }
            return RDKafkaTopicPartitionList.withList(partitions.map { ($0, nil) }) { list in
                pausing ? rd_kafka_pause_partitions(rk, list) : rd_kafka_resume_partitions(rk, list)
            }
        }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: pausing ? "pause" : "resume") }
    }

    /// Resumes those partitions of `list`, about to be assigned, that the application left
    /// paused. Call it just before `rd_kafka_assign` or `rd_kafka_incremental_assign`.
    func clearBeforeAssigning(_ list: RDKafkaTopicPartitionList.Pointer, rk: OpaquePointer) {
        let assigned = RDKafkaTopicPartitionList.topicPartitions(list)
        paused.withLock { set in
            let stale = assigned.filter { set.contains($0) }
            guard !stale.isEmpty else { return }
            set.subtract(stale)
            RDKafkaTopicPartitionList.withList(stale.map { ($0, nil) }) { list in
                _ = rd_kafka_resume_partitions(rk, list)
            }
        }
    }
}
