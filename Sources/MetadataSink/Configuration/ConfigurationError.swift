/// Every problem found in the configuration, each naming its setting and the form expected, e.g.
/// `BATCH_MAX_ITEMS must be an integer from 1 to 1000, got "abc"`.
///
/// All problems are collected before anything is thrown, so that one start-up attempt shows an
/// operator everything to fix rather than one mistake per restart of a crash-looping pod.
/// Messages never contain the value of a secret setting.
struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One bad or missing setting.
    struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The setting at fault (`KAFKA_TOPICS`, `KAFKA_PROPERTY_SASL_MECHANISM`), or the command-line
        /// option (`--config`, `--secrets-dir`) for a source that could not be read.
        var key: String
        /// A complete sentence that starts with `key`.
        var message: String

        var description: String { message }
    }

    /// The process exit status for a configuration error: `EX_CONFIG` from sysexits(3), which
    /// tells an orchestrator that restarting with the same settings cannot help.
    static let exitCode: Int32 = 78

    var problems: [Problem]

    init(problems: [Problem]) {
        self.problems = problems
    }

    init(key: String, message: String) {
        self.init(problems: [Problem(key: key, message: message)])
    }

    /// The keys at fault, in the order found.
    var keys: [String] { problems.map(\.key) }

    var description: String {
        if problems.count == 1 {
            return "invalid configuration: \(problems[0].message)"
        }
        return (["invalid configuration (\(problems.count) problems):"] + problems.map { "  - \($0.message)" })
            .joined(separator: "\n")
    }
}
