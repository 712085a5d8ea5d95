import CRdKafka

/// Where each newly assigned partition starts, resolved before it is assigned rather than by
/// librdkafka after.
///
/// Assigned without an offset, librdkafka fetches the group's committed offset itself and, for a
/// partition that has none, resets it by `auto.offset.reset`. But it delays the offset lookup
/// that follows such a reset by a fixed 100 ms (`rd_kafka_offset_reset` waits whenever the reset
/// carries an error, and "no committed offset" is one), so every partition of a new group (a
/// first deployment, a replay under a fresh group) waited 100 ms before its first fetch. Fetching
/// the committed offsets here, the same one OffsetFetch, and assigning the policy's logical
/// offset where there is none starts the lookup at once, with no error and no wait.
///
/// A logical start is looked up at once only if the partition's leader is known, and librdkafka
/// creates a partition's state on assignment and learns its leader asynchronously after; a lookup
/// with no leader yet is retried 500 ms later. So the assigned topics' metadata is requested
/// first, and answered (every partition's leader delegated) before the assignment.
///
/// What this cannot resolve (the fetch timed out or failed, one partition's answer carries an
/// error, the policy is `error`) is assigned without an offset, to librdkafka's own path.
enum RDKafkaStartOffsets {
    /// How long the poll thread waits for each answer (the committed offsets, a topic's metadata)
    /// before leaving what is missing to librdkafka.
    static let fetchTimeout: Duration = .seconds(10)

    /// The logical offset `auto.offset.reset` names; nil for `error` or a value librdkafka would
    /// refuse anyway (it then decides). Unset means librdkafka's default, `largest`.
    static func resetOffset(policy: String?) -> Int64? {
        switch policy ?? "largest" {
        case "smallest", "earliest", "beginning": Int64(RD_KAFKA_OFFSET_BEGINNING)
        case "largest", "latest", "end": Int64(RD_KAFKA_OFFSET_END)
        default: nil
        }
    }

    /// A copy of `list` with each partition's start filled in; the caller destroys it. The
    /// list librdkafka passed to the rebalance callback is left as it was.
    static func resolve(
        _ list: RDKafkaTopicPartitionList.Pointer, rk: OpaquePointer, resetOffset: Int64?
    ) -> RDKafkaTopicPartitionList.Pointer {
        let starts = rd_kafka_topic_partition_list_copy(list)!
        guard let resetOffset, starts.pointee.cnt > 0, let elements = starts.pointee.elems else { return starts }
        let err = rd_kafka_committed(rk, starts, fetchTimeout.milliseconds)
        learnLeaders(of: Set(RDKafkaTopicPartitionList.topicPartitions(starts).map(\.topic)), rk: rk)
        for index in 0..<Int(starts.pointee.cnt) {
            elements[index].offset = start(
                committed: elements[index].offset,
                error: err != RD_KAFKA_RESP_ERR_NO_ERROR ? err : elements[index].err,
                resetOffset: resetOffset)
            elements[index].err = RD_KAFKA_RESP_ERR_NO_ERROR
        }
        return starts
    }

    /// One metadata request per topic, waited for: its answer delegates each partition to its
    /// leader before it returns. A failure only means librdkafka's own, slower, retry.
    private static func learnLeaders(of topics: Set<String>, rk: OpaquePointer) {
        for topic in topics.sorted() {
            _ = try? RDKafkaClient.partitionCount(topic: topic, rk: rk, timeout: fetchTimeout)
        }
    }

    /// One partition's start: its committed offset, the reset policy's offset where the group
    /// has none, or no offset (librdkafka's path) when the answer carried an error.
    static func start(committed: Int64, error: rd_kafka_resp_err_t, resetOffset: Int64) -> Int64 {
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { return Int64(RD_KAFKA_OFFSET_INVALID) }
        return committed == Int64(RD_KAFKA_OFFSET_INVALID) ? resetOffset : committed
    }
}
