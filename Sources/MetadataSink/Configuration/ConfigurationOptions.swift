import ArgumentParser
import Foundation

/// The command-line options that locate the configuration, for `run` (and any command that
/// needs the sink's settings): `@OptionGroup var configurationOptions: ConfigurationOptions`.
struct ConfigurationOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "A JSON (.json) or YAML (.yaml, .yml) file of settings: flat, top-level keys named like the environment variables. The environment and --secrets-dir override it.",
            valueName: "file"
        )
    )
    var configFile: String?

    @Option(
        name: .customLong("secrets-dir"),
        help: ArgumentHelp(
            "A directory with one file per setting, named like the variable (e.g. a mounted Kubernetes Secret with keys API_ID and API_SECRET). Overrides --config; the environment overrides it.",
            valueName: "directory"
        )
    )
    var secretsDirectory: String?

    /// Loads the configuration from the process environment and these options; `needs` says
    /// which required settings the command cannot do without (see `SinkConfiguration.Needs`).
    func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        needs: SinkConfiguration.Needs = .all
    ) async throws(ConfigurationError) -> SinkConfiguration {
        try await SinkConfiguration.load(
            environment: environment, configFile: configFile, secretsDirectory: secretsDirectory, needs: needs)
    }

    /// What the operator commands (`replay`, `redrive`, `offsets`) do first: load the
    /// configuration (exit 78 on a problem), then send logs to standard error, whose standard
    /// output is theirs for summaries, with the configuration's secrets redacted.
    func loadForTool(needs: SinkConfiguration.Needs) async throws -> SinkConfiguration {
        let configuration: SinkConfiguration
        do {
            configuration = try await load(needs: needs)
        } catch {
            throw error.reportedExitCode()
        }
        LoggingBootstrap.bootstrap(
            level: configuration.logLevel, format: configuration.logFormat, secrets: configuration.secretValues,
            output: .standardError)
        return configuration
    }
}
