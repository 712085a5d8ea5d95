import Synchronization
@testable import MetadataSink

/// Collects what a log handler writes, line by line.
final class CapturedOutput: Sendable {
    private let lines = Mutex<[[UInt8]]>([])

    var output: LogOutput {
        LogOutput { bytes in self.lines.withLock { $0.append(bytes) } }
    }

    var texts: [String] {
        lines.withLock { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    var all: String { texts.joined() }
}
