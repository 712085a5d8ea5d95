import ArgumentParser
import Foundation
import IngestionAPI
import Logging
import UnixSignals

/// `metadata-sink emulator`: the Metadata Ingestion API emulator as a process, for running the
/// sink locally and in the compose stack.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Serve the Metadata Ingestion API emulator in the foreground.",
        discussion: """
            Prints its base URL on the first line of standard output, logs to standard error \
            (LOG_LEVEL, LOG_FORMAT), and runs until SIGTERM or SIGINT. It answers both customer \
            endpoints as the API does and validates items with the same schema. Its /_emulator/ \
            admin endpoints are unauthenticated: keep it on loopback or a private network.
            """
    )

    @Option(help: "Address to listen on. 127.0.0.1 keeps it local; use 0.0.0.0 in a container.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 8081

    @Option(name: .customLong("api-id"), help: "The asapp-api-id the emulator accepts.")
    var apiID: String = "demo-id"

    @Option(name: .customLong("api-secret"), help: "The asapp-api-secret the emulator accepts. Never printed.")
    var apiSecret: String = "demo-secret"

    @Option(
        name: .customLong("business-rule-prefix"),
        help: "Refuse schema-valid items whose externalCustomerId starts with this prefix (FAIL_BUSINESS_RULE); empty turns the rule off."
    )
    var businessRulePrefix: String = "refuse-"

    @Option(name: .customLong("max-body-bytes"), help: "Answer 413 to larger request bodies.")
    var maxBodyBytes: Int = 10 * 1024 * 1024

    @Flag(help: "Parse every body and accept every item without validating it, answering a full per-item result (benchmarks).")
    var fast = false

    @Flag(
        inversion: .prefixedNo,
        help: "Keep each accepted item's bytes for /_emulator/accepted?items=true; --no-record-item-bytes keeps only eventIds (long benchmarks)."
    )
    var recordItemBytes = true

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
        guard !apiID.isEmpty, !apiSecret.isEmpty else { throw ValidationError("--api-id and --api-secret must not be empty") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive, got \(maxBodyBytes)") }
    }

    var emulatorConfiguration: IngestionAPIEmulator.Configuration {
        IngestionAPIEmulator.Configuration(
            apiID: apiID,
            apiSecret: apiSecret,
            businessRulePrefix: businessRulePrefix.isEmpty ? nil : businessRulePrefix,
            maxBodyBytes: maxBodyBytes,
            fastMode: fast,
            recordItemBytes: recordItemBytes
        )
    }

    func run() async throws {
        BenchParentWatch.exitWithParent()
        do {
            try LoggingBootstrap.bootstrapFromEnvironment(ProcessInfo.processInfo.environment, secrets: [apiSecret], output: .standardError)
        } catch {
            throw error.reportedExitCode()
        }
        let logger = Logger(label: "metadata-sink.emulator")

        // Trapped before the URL is announced, so an early SIGTERM still shuts down cleanly.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)

        let emulator = IngestionAPIEmulator(configuration: emulatorConfiguration, logger: logger)
        let baseURL = try await emulator.start(host: host, port: port)
        FileDescriptorWriter.standardOutput.writeLine(Array("\(baseURL)\n".utf8))
        logger.info("emulator credentials", metadata: ["api_id": "\(apiID)", "business_rule_prefix": "\(businessRulePrefix)", "fast": "\(fast)"])

        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await signal in signals {
                    logger.info("emulator stopping", metadata: ["signal": "\(signal)"])
                    return
                }
            }
            group.addTask {
                try? await emulator.runUntilShutdown()
            }
            // Whichever comes first, a signal or the server stopping on its own, ends the run.
            await group.next()
            group.cancelAll()
            try? await emulator.shutdown()
        }
    }
}
