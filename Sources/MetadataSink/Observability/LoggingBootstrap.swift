import Logging
import Synchronization

/// Sets up swift-log for the process: every `Logger` writes through a `SinkLogHandler` in the
/// configured format, with secrets redacted.
///
/// swift-log can be bootstrapped once per process; later calls only register more secrets (the
/// level and format of the first call stay), so commands and tests can call this freely.
enum LoggingBootstrap {
    /// The secrets every handler redacts. Register more at any time, e.g. once a command knows
    /// a credential it was given.
    static let secrets = SecretRegistry()

    private static let bootstrapped = Mutex(false)

    /// - Returns: whether this call installed the handlers (false when logging was set up before).
    @discardableResult
    static func bootstrap(
        level: Logger.Level,
        format: LogFormat,
        secrets: some Sequence<String> = [String](),
        output: LogOutput = .standardOutput
    ) -> Bool {
        self.secrets.register(secrets)
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return false }
        let registry = self.secrets
        LoggingSystem.bootstrap { label in
            SinkLogHandler(label: label, level: level, format: format, output: output, secrets: registry)
        }
        return true
    }
}

extension LoggingBootstrap {
    /// For commands whose only settings are `LOG_LEVEL` and `LOG_FORMAT` (`dev-broker`,
    /// `emulator`): reads them from the environment and bootstraps. Throws a
    /// `ConfigurationError` naming the bad variable, for the command to exit with status 78.
    static func bootstrapFromEnvironment(
        _ environment: [String: String],
        secrets: some Sequence<String> = [String](),
        output: LogOutput
    ) throws(ConfigurationError) {
        let settings = try LogSettings.fromEnvironment(environment)
        bootstrap(level: settings.level, format: settings.format, secrets: secrets, output: output)
    }
}
