/// Why a `--secrets-dir` could not be listed.
enum SecretsDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing
    case notADirectory
    case unreadable

    var description: String {
        switch self {
        case .missing: "no such directory"
        case .notADirectory: "not a directory"
        case .unreadable: "cannot list its files"
        }
    }
}
