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

    init(message: KafkaMessage, error: String, stage: DeadLetterStage, status: Int? = nil, eventId: String? = nil, failedAt: Date = Date()) {
        self.message = message
        self.error = error
        self.stage = stage
        self.status = status
        self.eventId = eventId
        self.failedAt = failedAt
    }

    /// Header names of the dead-letter contract.
    enum Header {
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
        return KafkaProducerRecord(topic: topic, key: message.key, value: message.value, headers: headers)
    }
}
