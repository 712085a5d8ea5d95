/// The final outcome of one record sent to the API.
enum RecordOutcome: Equatable, Sendable {
    case accepted
    /// The exact error string, and the HTTP status that carried it.
    case deadLetter(error: String, status: Int)
}
