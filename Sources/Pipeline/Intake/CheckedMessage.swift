import Kafka

/// A message as read, with what stages 1 and 2 (decode, validate) made of it.
struct CheckedMessage: Sendable {
    enum Verdict: Sendable {
        /// Valid: the record to batch, tracked where it was read.
        case valid(SinkRecord)
        /// Failed to decode or validate: the dead letter to write. Boxed, so that every case
        /// is one reference and a verdict copies with a retain, not field by field.
        indirect case deadLetter(DeadLetter)
        /// A null value: nothing to send, final at once.
        case tombstone
        /// A redrive's dead letter outside its selection: final at once.
        case notSelected
        /// At or past the end of a range: not processed.
        case beyondRange
    }

    /// Where the message was read (for a redrive, the dead letter's coordinates).
    let position: ReadPosition
    /// The size of the value as read.
    let valueBytes: Int
    let verdict: Verdict

    /// Plain values rather than the message: the engine needs only these, and reading them here,
    /// on the task that just decoded the message, spares the engine's loop a trip to a message
    /// object that is no longer in its cache (and a retain and release of it).
    init(read: KafkaMessage, at position: ReadPosition, verdict: Verdict) {
        self.position = position
        self.valueBytes = read.valueCount ?? 0
        self.verdict = verdict
    }
}
