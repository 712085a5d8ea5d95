import Foundation
import Kafka

/// A record that failed, with everything the dead-letter topic needs to explain why.
struct DeadLetter: Sendable {
    let message: KafkaMessage
    let error: String
    let stage: DeadLetterStage
    let status: Int?
    let eventId: String?
    let failedAt: Date
    /// Where it was read (differs from the message's coordinates for a redriven dead letter).
    var position: ReadPosition
    /// For a record that failed again after a redrive: how many redrives it has been through,
    /// written as `dlq.redrive.count`.
    var redriveCount: Int?

    init(message: KafkaMessage, error: String, stage: DeadLetterStage, status: Int? = nil, eventId: String? = nil, failedAt: Date = Date()) {
        // Detached: a dead letter may wait long for its topic while the records read with it
        // are done, and its bytes alone are what it needs to keep, not their fetch buffer.
        self.message = message.detached()
        self.error = error
        self.stage = stage
        self.status = status
        self.eventId = eventId
        self.failedAt = failedAt
        self.position = ReadPosition(message)
    }

    /// Header names of the dead-letter contract; all start with `prefix`.
    enum Header {
        static let prefix = "dlq."
        static let error = "dlq.error"
        static let stage = "dlq.error.stage"
        static let status = "dlq.error.status"
        static let sourceTopic = "dlq.source.topic"
        static let sourcePartition = "dlq.source.partition"
        static let sourceOffset = "dlq.source.offset"
        static let sourceTimestamp = "dlq.source.timestamp"
        static let eventId = "dlq.event.id"
        static let failedAt = "dlq.failed.at"
        static let redriveCount = "dlq.redrive.count"
    }

    /// The record to produce: key, value and headers of the original byte for byte, plus ours.
    func producerRecord(topic: String) -> KafkaProducerRecord {
        var headers = message.headers
        headers.append(KafkaHeader(key: Header.error, string: error))
        headers.append(KafkaHeader(key: Header.stage, string: stage.rawValue))
        if let status { headers.append(KafkaHeader(key: Header.status, string: String(status))) }
        headers.append(KafkaHeader(key: Header.sourceTopic, string: message.topic))
        headers.append(KafkaHeader(key: Header.sourcePartition, string: String(message.partition)))
        headers.append(KafkaHeader(key: Header.sourceOffset, string: String(message.offset)))
        if let timestamp = message.timestamp {
            headers.append(KafkaHeader(key: Header.sourceTimestamp, string: String(timestamp)))
        }
        if let eventId { headers.append(KafkaHeader(key: Header.eventId, string: eventId)) }
        headers.append(KafkaHeader(key: Header.failedAt, string: failedAt.formatted(.iso8601)))
        if let redriveCount { headers.append(KafkaHeader(key: Header.redriveCount, string: String(redriveCount))) }
        return KafkaProducerRecord(topic: topic, key: message.key, value: message.value, headers: headers)
    }
}
