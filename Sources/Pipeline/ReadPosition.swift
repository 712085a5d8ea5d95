import Kafka

/// Where the pipeline read a record: what offset tracking and commits count.
///
/// A record's own coordinates, except for a redriven dead letter: it is read from the
/// dead-letter topic (its position) but processed as the record it carries (its message, with
/// the coordinates it first had), so that a derived eventId and the dead-letter headers stay
/// those of the original.
struct ReadPosition: Sendable, Hashable {
    let topicPartition: TopicPartition
    let offset: Int64

    init(topicPartition: TopicPartition, offset: Int64) {
        self.topicPartition = topicPartition
        self.offset = offset
    }

    init(_ message: KafkaMessage) {
        self.init(topicPartition: message.topicPartition, offset: message.offset)
    }
}
