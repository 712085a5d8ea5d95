import Kafka

/// A record read back from the dead-letter topic: why it failed, and the original it carries.
///
/// The original is rebuilt from the dead letter: key and value as they are (the dead-letter
/// writer keeps them byte for byte), the headers without the `dlq.` ones, and the topic,
/// partition, offset and timestamp it first had (from `dlq.source.*`). A dead letter written by
/// something else, without those headers, stands for itself.
public struct DeadLetterRecord: Sendable {
    /// The record as read from the dead-letter topic.
    public let letter: KafkaMessage
    /// `dlq.error`.
    public let error: String?
    /// `dlq.error.stage`, when it names a known stage.
    public let stage: DeadLetterStage?
    /// `dlq.redrive.count`: how many redrives it has been through; 0 when absent.
    public let redriveCount: Int
    /// The record as it was first produced.
    public let original: KafkaMessage

    public init(_ letter: KafkaMessage) {
        self.letter = letter
        let headers = letter.headers
        func text(_ key: String) -> String? { headers.last(key)?.stringValue }
        error = text(DeadLetter.Header.error)
        stage = text(DeadLetter.Header.stage).flatMap(DeadLetterStage.init(rawValue:))
        redriveCount = text(DeadLetter.Header.redriveCount).flatMap { Int($0) }.map { max(0, $0) } ?? 0
        let partition = text(DeadLetter.Header.sourcePartition).flatMap { Int32($0) }
        let offset = text(DeadLetter.Header.sourceOffset).flatMap { Int64($0) }
        let source = text(DeadLetter.Header.sourceTopic)
        let fromSource = source != nil && partition != nil && offset != nil
        original = KafkaMessage(
            topic: fromSource ? source! : letter.topic,
            partition: fromSource ? partition! : letter.partition,
            offset: fromSource ? offset! : letter.offset,
            key: letter.key,
            value: letter.value,
            headers: headers.filter { !$0.key.hasPrefix(DeadLetter.Header.prefix) },
            timestamp: text(DeadLetter.Header.sourceTimestamp).flatMap { Int64($0) } ?? letter.timestamp)
    }
}
