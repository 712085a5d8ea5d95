import Synchronization

/// Collects the keys a file provider parses.
///
/// swift-configuration's providers answer look-ups but cannot list their keys, and two things
/// need the list: `KAFKA_PROPERTY_<NAME>` settings, whose names are open-ended, and the check
/// that a config file holds no misspelt setting. File providers ask their `SecretsSpecifier`
/// about every key while parsing, so a `.dynamic` specifier that records what it is asked sees
/// every key, without a second parser for JSON and YAML.
final class ConfigKeyRecorder: Sendable {
    private let keys = Mutex<Set<String>>([])

    init() {}

    func record(_ key: String) {
        _ = keys.withLock { $0.insert(key) }
    }

    var recorded: Set<String> { keys.withLock { $0 } }
}
