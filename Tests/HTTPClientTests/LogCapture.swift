import Logging
import Synchronization

/// Collects every log line (message plus metadata) the client emits, at trace level,
/// so tests can assert that secrets never reach the logs.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var text: String {
        lines.withLock { $0.joined(separator: "\n") }
    }

    func makeLogger() -> Logger {
        var logger = Logger(label: "HTTPClientTests") { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }
}
