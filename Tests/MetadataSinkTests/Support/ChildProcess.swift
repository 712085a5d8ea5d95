import Foundation
import Synchronization

/// A long-running child of the built binary (`run`, `dev-broker`, `emulator`), its output kept
/// line by line, so that a test can await a line or the exit, and send signals, as an operator
/// or Kubernetes would.
///
/// A child still running when the last reference goes is killed with SIGKILL, and so is any
/// child still running when the test process exits (a failed test's tasks may hold references
/// to the end), so a failing test leaves no process behind.
final class ChildProcess: @unchecked Sendable {
    struct Snapshot: Sendable {
        var stdout: [String] = []
        var stderr: [String] = []
        var exit: Termination?
        /// Both streams read to their end (a last line without a newline included).
        var streamsClosed = 0
    }

    struct Termination: Sendable, Equatable {
        /// The exit status, or the signal number when `bySignal`.
        var status: Int32
        var bySignal: Bool
    }

    struct Timeout: Error, CustomStringConvertible {
        var name: String
        var awaited: String
        var snapshot: Snapshot

        var description: String {
            let tail = (snapshot.stdout.suffix(15) + snapshot.stderr.suffix(15)).joined(separator: "\n  ")
            return "\(name): timed out waiting for \(awaited); exit: \(snapshot.exit.map { "\($0)" } ?? "running"); last output:\n  \(tail)"
        }
    }

    private struct Waiter {
        var condition: @Sendable (Snapshot) -> Bool
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var snapshot = Snapshot()
        var partialOut: [UInt8] = []
        var partialErr: [UInt8] = []
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }

    /// The state behind a reference, so that the reader threads and the termination handler
    /// can share it without keeping the `ChildProcess` itself alive.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    let name: String
    let pid: Int32
    private let process: Process
    private let shared = Shared()

    /// Starts `metadata-sink <arguments>` (or another `executable`, such as a TLS proxy in front
    /// of the emulator) with the test's environment plus `environment`.
    init(
        _ name: String, executable: URL = BinaryProcess.binaryURL, arguments: [String],
        environment: [String: String] = [:], inheritEnvironment: Bool = true
    ) throws {
        self.name = name
        let (process, out, err) = BinaryProcess.prepare(
            arguments, executable: executable, environment: environment, inheritEnvironment: inheritEnvironment)
        self.process = process
        let state = self.shared
        process.terminationHandler = { process in
            Self.live.withLock { _ = $0.remove(process.processIdentifier) }
            let termination = Termination(
                status: process.terminationStatus, bySignal: process.terminationReason == .uncaughtSignal)
            Self.update(state) { $0.snapshot.exit = termination }
        }
        try process.run()
        pid = process.processIdentifier
        _ = Self.live.withLock { $0.insert(pid) }
        Self.killAtExit
        Self.readLines(from: out.fileHandleForReading, into: shared, isStdout: true)
        Self.readLines(from: err.fileHandleForReading, into: shared, isStdout: false)
    }

    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
        Self.live.withLock { _ = $0.remove(pid) }
    }

    /// Children started and not yet released, killed at exit.
    private static let live = Mutex<Set<Int32>>([])
    private static let killAtExit: Void = {
        atexit {
            // Only a process that is still our own, running child: never a reused pid.
            for pid in ChildProcess.live.withLock({ $0 }) where waitpid(pid, nil, WNOHANG) == 0 {
                kill(pid, SIGKILL)
            }
        }
    }()

    var snapshot: Snapshot { shared.state.withLock { $0.snapshot } }
    var isRunning: Bool { snapshot.exit == nil }

    func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits until `condition` holds for the output so far (or fails after `timeout`).
    func wait(for awaited: String, timeout: Duration, until condition: @escaping @Sendable (Snapshot) -> Bool) async throws {
        let state = self.shared
        let id: Int = state.state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let name = self.name
        let deadline = Task {
            try await Task.sleep(for: timeout)
            Self.update(state) { state in
                if let waiter = state.waiters.removeValue(forKey: id) {
                    waiter.continuation.resume(throwing: Timeout(name: name, awaited: awaited, snapshot: state.snapshot))
                }
            }
        }
        defer { deadline.cancel() }
        try await withCheckedThrowingContinuation { continuation in
            Self.update(state) { $0.waiters[id] = Waiter(condition: condition, continuation: continuation) }
        }
    }

    /// The first line of standard output: the address that `dev-broker` and `emulator` print.
    func firstLine(timeout: Duration = .seconds(30)) async throws -> String {
        try await wait(for: "a first line on stdout", timeout: timeout) { !$0.stdout.isEmpty || $0.exit != nil }
        guard let line = snapshot.stdout.first else {
            throw Timeout(name: name, awaited: "a first line on stdout (it exited)", snapshot: snapshot)
        }
        return line
    }

    /// The first stdout line that contains `text`.
    @discardableResult
    func line(containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        try await wait(for: "a line containing \(text)", timeout: timeout) { $0.stdout.contains { $0.contains(text) } }
        return snapshot.stdout.first { $0.contains(text) }!
    }

    /// Waits for the exit, however it happens.
    @discardableResult
    func exit(timeout: Duration) async throws -> Termination {
        try await wait(for: "the exit", timeout: timeout) { $0.exit != nil }
        return snapshot.exit!
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`: how a test cleans up.
    func stop(grace: Duration = .seconds(10)) async {
        guard isRunning else { return }
        signal(SIGTERM)
        if (try? await exit(timeout: grace)) == nil {
            signal(SIGKILL)
            _ = try? await exit(timeout: .seconds(10))
        }
    }

    // MARK: plumbing

    private static func update(_ shared: Shared, _ change: (inout State) -> Void) {
        let ready: [CheckedContinuation<Void, any Error>] = shared.state.withLock { state in
            change(&state)
            var ready: [CheckedContinuation<Void, any Error>] = []
            for (id, waiter) in state.waiters where waiter.condition(state.snapshot) {
                state.waiters.removeValue(forKey: id)
                ready.append(waiter.continuation)
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// A plain thread per pipe: blocking reads must not occupy the concurrency pool's few threads.
    private static func readLines(from handle: FileHandle, into state: Shared, isStdout: Bool) {
        let fd = handle.fileDescriptor
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                update(state) { state in
                    var partial = isStdout ? state.partialOut : state.partialErr
                    partial.append(contentsOf: buffer[..<count])
                    var lines: [String] = []
                    while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                        lines.append(String(decoding: partial[..<newline], as: UTF8.self))
                        partial.removeSubrange(...newline)
                    }
                    if isStdout {
                        state.partialOut = partial
                        state.snapshot.stdout += lines
                    } else {
                        state.partialErr = partial
                        state.snapshot.stderr += lines
                    }
                }
            }
            update(state) { state in
                let rest = isStdout ? state.partialOut : state.partialErr
                if !rest.isEmpty {
                    let line = String(decoding: rest, as: UTF8.self)
                    if isStdout { state.snapshot.stdout.append(line) } else { state.snapshot.stderr.append(line) }
                }
                state.snapshot.streamsClosed += 1
            }
            withExtendedLifetime(handle) {}
        }
        thread.start()
    }
}
