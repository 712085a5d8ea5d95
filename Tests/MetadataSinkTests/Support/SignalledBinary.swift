import Foundation

/// Runs `body` with a deadline; false when the deadline came first.
func withTestDeadline(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask { try await body(); return true }
        group.addTask { try await Task.sleep(for: limit); return false }
        let first = try await group.next() ?? false
        group.cancelAll()
        return first
    }
}

/// The built binary as a child that a test stops with a signal (`run`, or a replay or redrive
/// interrupted part way); its output goes to temporary files so that a full pipe can never
/// block it.
final class SignalledBinary: @unchecked Sendable {
    private let process = Process()
    private let outputFile: URL
    private let errorFile: URL

    init(_ arguments: [String], environment: [String: String], standardInput: Pipe? = nil) throws {
        let directory = FileManager.default.temporaryDirectory
        outputFile = directory.appendingPathComponent("metadata-sink-run-\(UUID().uuidString).out")
        errorFile = directory.appendingPathComponent("metadata-sink-run-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = BinaryProcess.binaryURL
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        if let standardInput { process.standardInput = standardInput }
        try process.run()
    }

    /// Everything written so far to standard output and standard error.
    var allOutput: String {
        let out = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return out + err
    }

    /// Standard output so far.
    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    /// SIGTERM, then the exit status.
    func stop() async throws -> Int32 {
        process.terminate()
        return await exitStatus()
    }

    /// Waits for the process to end by itself: its exit status, or the signal that ended it.
    func exitStatus() async -> Int32 {
        let pid = process.processIdentifier
        // A plain thread: a blocking wait on a dispatch or concurrency-pool thread would starve
        // the other tests of the run (two such threads on a 2-core machine).
        return await withCheckedContinuation { continuation in
            Thread {
                // The kernel's word, without reaping the child (Foundation's monitor still does
                // that): Foundation learns of an exit from a dispatch source, which a machine
                // busy with the whole suite can leave unserved for tens of seconds.
                var info = siginfo_t()
                var result: Int32
                repeat {
                    result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT)
                } while result != 0 && errno == EINTR
                if result == 0 {
                    continuation.resume(returning: info._sifields._sigchld.si_status)
                } else {
                    // Reaped already: Foundation has the status.
                    self.process.waitUntilExit()
                    continuation.resume(returning: self.process.terminationStatus)
                }
            }.start()
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: outputFile)
        try? FileManager.default.removeItem(at: errorFile)
    }
}
