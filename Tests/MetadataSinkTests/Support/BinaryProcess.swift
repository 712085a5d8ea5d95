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
    static func run(_ arguments: [String], environment: [String: String] = [:], inheritEnvironment: Bool = true) async throws -> Output {
        let (process, stdout, stderr) = prepare(arguments, environment: environment, inheritEnvironment: inheritEnvironment)
        // Read both pipes while the child runs, so a full pipe can never block it.
        async let out = Task.detached { stdout.fileHandleForReading.readDataToEndOfFile() }.value
        async let err = Task.detached { stderr.fileHandleForReading.readDataToEndOfFile() }.value
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        return Output(status: status, stdout: String(decoding: await out, as: UTF8.self),
                      stderr: String(decoding: await err, as: UTF8.self))
    }
}
