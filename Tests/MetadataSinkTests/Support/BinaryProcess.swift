import Foundation
import Testing

/// The built `metadata-sink` binary, run as a child process: what users run, not our types.
struct BinaryProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String

        var lastLine: String? {
            stdout.split(separator: "\n", omittingEmptySubsequences: true).last.map(String.init)
        }
    }

    /// `swift build --build-tests` puts the binary beside the test bundle.
    static var binaryURL: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("metadata-sink")
    }

    /// A not yet started `metadata-sink <arguments>` with both output streams piped.
    static func prepare(
        _ arguments: [String], executable: URL = binaryURL, environment: [String: String], inheritEnvironment: Bool
    ) -> (process: Process, stdout: Pipe, stderr: Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = inheritEnvironment
            ? ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            : environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        return (process, stdout, stderr)
    }

    /// Runs to completion and returns its exit status and output. The environment is the test's
    /// plus `environment`, or only `environment` when `inheritEnvironment` is false.
    ///
    /// The pipes are read on plain threads (`ChildProcess`): a blocking read on one of the
    /// concurrency pool's few threads would starve every other test of the run.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], inheritEnvironment: Bool = true,
        timeout: Duration = .seconds(600)
    ) async throws -> Output {
        let child = try ChildProcess(
            arguments.first ?? "metadata-sink", arguments: arguments, environment: environment,
            inheritEnvironment: inheritEnvironment)
        try await child.wait(for: "the exit and the end of its output", timeout: timeout) {
            $0.exit != nil && $0.streamsClosed == 2
        }
        let snapshot = child.snapshot
        func text(_ lines: [String]) -> String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }
        return Output(status: snapshot.exit!.status, stdout: text(snapshot.stdout), stderr: text(snapshot.stderr))
    }
}
