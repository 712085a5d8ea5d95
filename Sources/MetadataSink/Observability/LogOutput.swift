/// Where log lines go: a file descriptor (stdout by default), or a closure in tests.
///
/// Each line is handed over whole and written under a lock, with `write(2)` retried until all of
/// it is out, so that lines from concurrent threads never interleave. Writing straight to the
/// descriptor (no stdio buffer) also means a line is out before a crash or `exit` that follows it.
struct LogOutput: Sendable {
    private let writeLine: @Sendable ([UInt8]) -> Void

    init(_ writeLine: @escaping @Sendable ([UInt8]) -> Void) {
        self.writeLine = writeLine
    }

    /// `line` must end with its newline.
    func write(_ line: [UInt8]) {
        writeLine(line)
    }

    static let standardOutput = LogOutput(FileDescriptorWriter.standardOutput.writeLine)
    static let standardError = LogOutput(FileDescriptorWriter.standardError.writeLine)
}
