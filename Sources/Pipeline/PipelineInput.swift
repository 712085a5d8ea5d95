import Kafka

/// Everything the pipeline's loop reacts to, in one ordered stream.
enum PipelineInput: Sendable {
    case consumer(KafkaConsumerEvent)
    /// The consumer's messages, decoded and validated on their way in (see `RecordIntake`).
    case checked([CheckedMessage])
    case consumerEnded
    /// A batch hit a retryable failure: pause its partitions so nothing piles up behind it.
    case batchRetrying(batch: Int)
    case batchDone(batch: Int, outcomes: [RecordOutcome])
    case deadLettered(batch: Int)
    case tick
    case shutdown(grace: Duration)
}

/// Work the loop hands out to concurrent tasks.
enum PipelineTask: Sendable {
    case send(batch: Int, records: [SinkRecord])
    case deadLetter(batch: Int, letters: [DeadLetter])
}
