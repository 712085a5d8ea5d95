import CRdKafka

extension RDKafkaClient {
    /// `rd_kafka_offsets_for_times` on any handle: for each partition, the offset librdkafka's
    /// ListOffsets-by-timestamp answered (`-1` where the broker found no record, or, like
    /// librdkafka's 2.0.2 mock cluster, keeps no timestamp index).
    func offsetsForTimes(_ timestamps: [TopicPartition: Int64], timeout: Duration) throws(KafkaError) -> [TopicPartition: Int64] {
        try RDKafkaTopicPartitionList.withList(timestamps.map { ($0.key, $0.value) }) { list throws(KafkaError) in
            let err = rd_kafka_offsets_for_times(handle, list, timeout.milliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "offsetsForTimes") }
            var result: [TopicPartition: Int64] = [:]
            for entry in RDKafkaTopicPartitionList.read(list) {
                guard entry.error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError(entry.error, context: "offsetsForTimes \(entry.topicPartition)")
                }
                result[entry.topicPartition] = entry.offset
            }
            return result
        }
    }
}
