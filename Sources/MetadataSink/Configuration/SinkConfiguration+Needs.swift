extension SinkConfiguration {
    /// The settings a command cannot do without, beyond `KAFKA_BOOTSTRAP_SERVERS` (always
    /// required). `run` needs them all; `replay --topic T` does not need `KAFKA_TOPICS`, a dry run
    /// needs no API credentials, `offsets` needs neither. A setting a command does not need may
    /// be unset (its value is then empty) but is still checked when it is set: it is the same
    /// configuration as `run`'s, and a mistake in it is worth hearing about.
    struct Needs: OptionSet, Sendable {
        let rawValue: Int

        /// `KAFKA_TOPICS`.
        static let topics = Needs(rawValue: 1 << 0)
        /// `KAFKA_DLQ_TOPIC`.
        static let deadLetterTopic = Needs(rawValue: 1 << 1)
        /// `API_ID` and `API_SECRET` (or their `_FILE` forms).
        static let api = Needs(rawValue: 1 << 2)

        static let all: Needs = [.topics, .deadLetterTopic, .api]
    }
}
