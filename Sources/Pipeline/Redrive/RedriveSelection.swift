import Foundation

/// Which dead letters a redrive takes: those of the given stages (all when empty) whose
/// `dlq.error` contains a match of the pattern (all when there is none).
public struct RedriveSelection: Sendable {
    public let stages: Set<DeadLetterStage>
    /// The pattern as given, for summaries.
    public let errorPattern: String?
    // NSRegularExpression (ICU syntax) rather than Swift's Regex: it is safe to share between
    // threads, which a selection used by the pipeline's tasks must be.
    private let errorRegex: NSRegularExpression?

    /// Throws when `errorPattern` is not a valid regular expression.
    public init(stages: Set<DeadLetterStage> = [], errorPattern: String? = nil) throws {
        self.stages = stages
        self.errorPattern = errorPattern
        self.errorRegex = try errorPattern.map { try NSRegularExpression(pattern: $0) }
    }

    public func matches(_ record: DeadLetterRecord) -> Bool {
        if !stages.isEmpty {
            guard let stage = record.stage, stages.contains(stage) else { return false }
        }
        if let errorRegex {
            guard let error = record.error,
                  errorRegex.firstMatch(in: error, range: NSRange(error.startIndex..., in: error)) != nil
            else { return false }
        }
        return true
    }
}
