import Kafka

/// Stages 1 and 2 for each message: decode → validate, with no state of the pipeline's.
///
/// Kept apart from `PipelineEngine` so that it can run on the task that receives the consumer's
/// events, concurrently with the engine's loop: the engine then only tracks offsets, batches and
/// handles outcomes, which is the part that has to be serial. Order is kept: each chunk of
/// messages is checked and handed over before the next consumer event.
struct RecordIntake: Sendable {
    let mode: SinkPipeline.Mode
    let maxDepth: Int
    private let decoder: RecordDecoder
    private let validator = RecordValidator()
    private let rangeEnd: [TopicPartition: Int64]?

    init(mode: SinkPipeline.Mode, maxDepth: Int) {
        self.mode = mode
        self.maxDepth = maxDepth
        self.decoder = RecordDecoder(maxDepth: maxDepth)
        self.rangeEnd = mode.rangeBounds?.end
    }

    func check(_ messages: [KafkaMessage]) -> [CheckedMessage] {
        messages.map { read in
            let position = ReadPosition(read)
            return CheckedMessage(read: read, at: position, verdict: verdict(for: read, at: position))
        }
    }

    /// `position` is where `read` was read, when the caller has it already.
    func verdict(for read: KafkaMessage, at position: ReadPosition? = nil) -> CheckedMessage.Verdict {
        if let rangeEnd, read.offset >= rangeEnd[read.topicPartition] ?? 0 { return .beyondRange }
        let position = position ?? ReadPosition(read)
        // What is processed: the record read, or for a redrive the original a dead letter carries.
        var message = read
        var priorRedrives = 0
        if case .redrive(_, _, let selection) = mode {
            let deadLetter = DeadLetterRecord(read)
            guard selection.matches(deadLetter) else { return .notSelected }
            message = deadLetter.original
            priorRedrives = deadLetter.redriveCount
        }
        func deadLetter(_ error: String, _ stage: DeadLetterStage, eventId: String? = nil) -> CheckedMessage.Verdict {
            var letter = DeadLetter(message: message, error: error, stage: stage, eventId: eventId)
            letter.position = position
            if case .redrive = mode { letter.redriveCount = priorRedrives + 1 }
            return .deadLetter(letter)
        }
        // The common shape in one pass; anything else through the full decoder and validator.
        var valid = validator.fastRecord(message, maxDepth: maxDepth)
        if valid == nil {
            switch decoder.decode(message) {
            case .tombstone:
                return .tombstone
            case .failed(let error):
                return deadLetter(error, .decode)
            case .object(let item):
                switch validator.validate(item, message: message) {
                case .valid(let record):
                    valid = record
                case .invalid(let error, let eventId):
                    return deadLetter(error, .validate, eventId: eventId)
                }
            }
        }
        guard let valid else { preconditionFailure("a record is valid when no verdict was returned") }
        // A redriven dead letter is tracked where it was read, not where its original was.
        if case .redrive = mode { return .valid(valid.read(at: position, priorRedrives: priorRedrives)) }
        return .valid(valid)
    }
}
