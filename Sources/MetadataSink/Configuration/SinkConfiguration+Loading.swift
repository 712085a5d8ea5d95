import Foundation

extension SinkConfiguration {
    /// Loads and validates the configuration from the environment, an optional `--config` file
    /// and an optional `--secrets-dir` (precedence: environment, secrets directory, config file,
    /// defaults; see `ConfigurationSources`).
    ///
    /// Throws one `ConfigurationError` listing every problem, from unreadable sources and from
    /// the settings themselves; exit with `ConfigurationError.exitCode` on it.
    static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        configFile: String? = nil,
        secretsDirectory: String? = nil,
        needs: Needs = .all
    ) async throws(ConfigurationError) -> SinkConfiguration {
        let sources = await ConfigurationSources.load(
            environment: environment,
            configFile: configFile,
            secretsDirectory: secretsDirectory
        )
        let parsed: Result<SinkConfiguration, ConfigurationError>
        do {
            parsed = .success(try SinkConfiguration(reader: sources.reader, kafkaPropertyKeys: sources.kafkaPropertyKeys, needs: needs))
        } catch {
            parsed = .failure(error)
        }
        switch parsed {
        case .success(var configuration) where sources.problems.isEmpty:
            configuration.warnings = sources.warnings + configuration.warnings
            return configuration
        case .success:
            throw ConfigurationError(problems: sources.problems)
        case .failure(let error):
            throw ConfigurationError(problems: sources.problems + error.problems)
        }
    }
}
