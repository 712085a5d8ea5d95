/// Where in the pipeline a record failed; written to the `dlq.error.stage` header.
public enum DeadLetterStage: String, Sendable, CaseIterable {
    case decode
    case validate
    case api
}
