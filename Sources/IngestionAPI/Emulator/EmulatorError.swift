/// Misuse of the emulator's lifecycle.
public enum EmulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case alreadyStarted
    case notRunning
    case shutDown

    public var description: String {
        switch self {
        case .alreadyStarted: "the emulator has already been started"
        case .notRunning: "the emulator is not running"
        case .shutDown: "the emulator has been shut down"
        }
    }
}
