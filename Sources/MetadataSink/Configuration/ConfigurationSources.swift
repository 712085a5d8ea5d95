import Configuration

/// The sources of the sink's settings, in precedence order, as swift-configuration providers:
///
/// 1. the environment (how Kubernetes `env`/`envFrom` and compose pass settings);
/// 2. the `--secrets-dir` directory, one file per setting named like the variable (how
///    Kubernetes mounts a Secret as a volume); every value read from it is treated as secret;
/// 3. the `--config` file, JSON (`.json`) or YAML (`.yaml`, `.yml`): a flat mapping of the same
///    names at the top level, e.g. `KAFKA_TOPICS: a,b` or `"BATCH_MAX_ITEMS": 500`;
/// 4. the defaults in `SinkConfiguration+ConfigReader.swift`.
///
/// The environment wins so that one variable can override a file without editing it; a secret
/// mounted as a file beats the shared config file because it is the more specific source.
/// A source that cannot be read is a problem to report, like a bad setting.
struct ConfigurationSources: Sendable {
    var reader: ConfigReader
    /// `KAFKA_PROPERTY_…` names found in any source.
    var kafkaPropertyKeys: Set<String>
    var problems: [ConfigurationError.Problem]
    var warnings: [String]

    static func load(
        environment: [String: String],
        configFile: String?,
        secretsDirectory: String?
    ) async -> ConfigurationSources {
        var providers: [any ConfigProvider] = []
        var propertyKeys = Set<String>()
        var problems: [ConfigurationError.Problem] = []
        var warnings: [String] = []

        // Empty variables are dropped so that they fall through to files and defaults: compose
        // and Helm often render an unset value as an empty string.
        let environment = environment.filter { !$0.value.isEmpty }
        providers.append(EnvironmentVariablesProvider(
            environmentVariables: environment,
            secretsSpecifier: .dynamic { key, _ in isSecretSetting(key) }
        ))
        for name in environment.keys {
            if name.hasPrefix(SinkConfigurationKey.kafkaPropertyPrefix) {
                propertyKeys.insert(name)
            } else if looksLikeSetting(name), !SinkConfigurationKey.isKnown(name) {
                warnings.append("environment variable \(name) is not a setting of metadata-sink and is ignored")
            }
        }

        if let secretsDirectory {
            switch SecretsDirectory.load(path: secretsDirectory) {
            case .success(let contents):
                providers.append(contents.provider)
                for (name, reason) in contents.unreadable {
                    let message = "\(name) in --secrets-dir \(String(reflecting: secretsDirectory)) cannot be read: \(reason)"
                    // Fatal only for a file we would have used; a mounted Secret may hold others.
                    if SinkConfigurationKey.isKnown(name) {
                        problems.append(.init(key: name, message: message))
                    } else {
                        warnings.append(message)
                    }
                }
                for name in contents.values.keys.sorted() {
                    if name.hasPrefix(SinkConfigurationKey.kafkaPropertyPrefix) {
                        propertyKeys.insert(name)
                    } else if !SinkConfigurationKey.isKnown(name) {
                        // A mounted Secret may carry keys meant for something else; say so
                        // without failing, in case a key was meant for us and misspelt.
                        warnings.append("file \(name) in --secrets-dir is not a setting of metadata-sink and is ignored")
                    }
                }
            case .failure(let error):
                problems.append(.init(key: "--secrets-dir", message: "--secrets-dir must name a readable directory, got \(String(reflecting: secretsDirectory)): \(error)"))
            }
        }

        if let configFile {
            let recorder = ConfigKeyRecorder()
            let isSecret: @Sendable (String) -> Bool = { key in
                recorder.record(key)
                return isSecretSetting(key)
            }
            // The provider is configured through a reader, its documented alternative to a
            // `FilePath`, which would need swift-system imported here.
            let location = ConfigReader(provider: InMemoryProvider(values: ["filePath": .init(.string(configFile), isSecret: false)]))
            do {
                switch configFile.split(separator: ".").last?.lowercased() {
                case "json":
                    providers.append(try await FileProvider<JSONSnapshot>(
                        parsingOptions: .init(secretsSpecifier: .dynamic { key, _ in isSecret(key) }),
                        config: location
                    ))
                case "yaml", "yml":
                    providers.append(try await FileProvider<YAMLSnapshot>(
                        parsingOptions: .init(secretsSpecifier: .dynamic { key, _ in isSecret(key) }),
                        config: location
                    ))
                default:
                    problems.append(.init(key: "--config", message: "--config must name a .json, .yaml or .yml file, got \(String(reflecting: configFile))"))
                }
                for key in recorder.recorded.sorted() {
                    if key.hasPrefix(SinkConfigurationKey.kafkaPropertyPrefix) {
                        propertyKeys.insert(key)
                    } else if !SinkConfigurationKey.isKnown(key) {
                        // Unlike the environment, the file holds nothing but our settings, so an
                        // unknown key is a typo or a nested key, either of which would be ignored.
                        problems.append(.init(key: key, message: "\(key) in --config file \(String(reflecting: configFile)) is not a setting of metadata-sink (settings are flat, top-level keys named like the environment variables, e.g. KAFKA_TOPICS)"))
                    }
                }
            } catch {
                problems.append(.init(key: "--config", message: "--config must name a readable JSON or YAML file, got \(String(reflecting: configFile)): \(firstLine(of: error))"))
            }
        }

        return ConfigurationSources(
            reader: ConfigReader(providers: providers),
            kafkaPropertyKeys: propertyKeys,
            problems: problems,
            warnings: warnings.sorted()
        )
    }

    /// Whether a source key holds a credential, for swift-configuration's own redaction (its
    /// access log and the providers' debug descriptions).
    static func isSecretSetting(_ key: String) -> Bool {
        if let setting = SinkConfigurationKey(rawValue: key) { return setting.isSecret }
        if let property = KafkaPropertyName.librdkafkaName(forKey: key) { return KafkaPropertyName.isSecret(property) }
        return false
    }

    /// Variables in the sink's own namespaces, worth a warning when unknown (a likely typo such
    /// as `KAFKA_TOPIC`). Anything else in the environment belongs to someone else.
    private static func looksLikeSetting(_ name: String) -> Bool {
        ["KAFKA_", "API_", "BATCH_"].contains { name.hasPrefix($0) }
    }

    /// Only the first line of a parser's error: YAML errors go on to quote the offending line of
    /// the file, which may hold a secret, and configuration errors are printed.
    private static func firstLine(of error: any Error) -> String {
        String(describing: error).split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "unreadable"
    }
}
