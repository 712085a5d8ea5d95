import Configuration
import Foundation
import Logging

/// `LOG_LEVEL` and `LOG_FORMAT` alone, for the commands that log but take no other settings
/// (`dev-broker`, `emulator`), read from the environment with the same rules and messages as
/// `SinkConfiguration`.
struct LogSettings: Sendable, Equatable {
    var level: Logger.Level
    var format: LogFormat

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> LogSettings {
        let reader = ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment.filter { !$0.value.isEmpty }))
        var parser = SettingParser(reader: reader)
        let level = parser.choice(.logLevel, default: Logger.Level.info, choices: Logger.Level.allCases.map { ($0.rawValue, $0) })
        let format = parser.choice(.logFormat, default: LogFormat.json, choices: LogFormat.allCases.map { ($0.rawValue, $0) })
        guard let level, let format else { throw ConfigurationError(problems: parser.problems) }
        return LogSettings(level: level, format: format)
    }
}
