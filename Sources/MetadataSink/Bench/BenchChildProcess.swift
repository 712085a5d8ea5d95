import Foundation
import Synchronization

/// A process the benchmark starts from this same binary (`dev-broker`, `emulator`, `run`,
/// `bench-ceiling`), so that each one's memory and CPU are its own: the sink is measured alone,
/// not together with the mock cluster holding the whole topic or the API emulator.
///
/// Standard output arrives as lines; standard error is drained so a chatty child never blocks,
/// and the last lines of both are kept for error messages.
final class BenchChildProcess: Sendable {
    let name: String
    let pid: Int32
    /// Standard output, line by line, until the child closes it.
    let lines: AsyncStream<String>

    private let process: SendableProcess
    private let shared = Shared()

    /// What the reader threads and the termination handler update.
    private final class Shared: Sendable {
        let tail = Mutex<[String]>([])
        let exit = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

        func keep(_ line: String) {
            tail.withLock { lines in
                lines.append(line)
                if lines.count > 40 { lines.removeFirst(lines.count - 40) }
            }
        }
    }

    private struct SendableProcess: @unchecked Sendable {
        let process: Process
        /// Held, with its write end open, for as long as the child may run.
        let parentWatch: Pipe
    }

    /// This executable, as the kernel sees it (independent of the working directory and `PATH`).
    static var executableURL: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    init(name: String, arguments: [String], environment: [String: String] = [:]) throws {
        self.name = name
        let process = Process()
        process.executableURL = Self.executableURL
        process.arguments = arguments
        // The sink's settings come only from the benchmark, never from the caller's environment.
        let inherited = ProcessInfo.processInfo.environment.filter { !SinkConfigurationKey.isKnown($0.key) }
        process.environment = inherited.merging(environment) { _, new in new }.merging([BenchParentWatch.variable: "1"]) { _, watch in watch }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        // Never written to: its end of file tells the child that the benchmark is gone.
        let parentWatch = Pipe()
        process.standardInput = parentWatch
        let (lines, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(10_000))
        self.lines = lines
        self.process = SendableProcess(process: process, parentWatch: parentWatch)
        let shared = self.shared
        process.terminationHandler = { finished in
            let waiters = shared.exit.withLock { state in
                state.status = finished.terminationStatus
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: finished.terminationStatus) }
        }
        try process.run()
        self.pid = process.processIdentifier
        Self.readLines(stdout.fileHandleForReading, name: "\(name)-stdout") { line in
            shared.keep(line)
            continuation.yield(line)
        } onEnd: {
            continuation.finish()
        }
        Self.readLines(stderr.fileHandleForReading, name: "\(name)-stderr") { line in
            shared.keep(line)
        } onEnd: {}
    }

    /// The first line of standard output that satisfies `predicate`, or an error naming the child
    /// and its last output when it exits or `timeout` passes first.
    func firstLine(timeout: Duration, where predicate: @escaping @Sendable (String) -> Bool = { _ in true }) async throws -> String {
        let lines = self.lines
        let found = try await BenchTimeout.run(timeout) {
            for await line in lines where predicate(line) { return Optional(line) }
            return nil
        }
        guard let line = found ?? nil else {
            throw BenchError("\(name) ended or timed out before printing what was expected; its last output:\n\(lastOutput)")
        }
        return line
    }

    /// The last lines the child wrote, for error reports.
    var lastOutput: String {
        shared.tail.withLock { $0.joined(separator: "\n") }
    }

    var exitStatus: Int32? { shared.exit.withLock { $0.status } }

    /// CPU time and memory of the child, from `/proc` (nil once it has exited and been reaped).
    func usage() -> ProcessUsage? {
        ProcessUsage.read(pid: pid)
    }

    func signal(_ number: Int32) {
        if exitStatus == nil { kill(pid, number) }
    }

    /// Waits for the child to exit; kills it if it has not after `timeout`.
    @discardableResult
    func waitForExit(timeout: Duration) async -> Int32 {
        let killer = Task { [self] in
            try await Task.sleep(for: timeout)
            signal(SIGKILL)
        }
        defer { killer.cancel() }
        return await exitStatusWhenDone()
    }

    /// SIGTERM, then waits for the exit (SIGKILL after `grace`).
    @discardableResult
    func terminate(grace: Duration = .seconds(30)) async -> Int32 {
        signal(SIGTERM)
        return await waitForExit(timeout: grace)
    }

    private func exitStatusWhenDone() async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let status = shared.exit.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }


    /// Reads a pipe on a thread of its own (the reads block) and hands over complete lines.
    private static func readLines(
        _ handle: FileHandle, name: String, _ onLine: @escaping @Sendable (String) -> Void, onEnd: @escaping @Sendable () -> Void
    ) {
        let thread = Thread {
            var pending: [UInt8] = []
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                pending.append(contentsOf: data)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    onLine(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
            onEnd()
        }
        thread.name = name
        thread.start()
    }
}
