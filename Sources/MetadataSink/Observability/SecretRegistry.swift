import Synchronization

/// The process's secret values, shared by every log handler.
///
/// Logging is bootstrapped once per process, while secrets become known when the configuration
/// is loaded (or a command parses its options); handlers therefore consult this registry on each
/// line rather than a redactor fixed at bootstrap.
final class SecretRegistry: Sendable {
    private let state = Mutex(SecretRedactor(secrets: []))

    init(secrets: some Sequence<String> = []) {
        register(secrets)
    }

    func register(_ secrets: some Sequence<String>) {
        let added = Array(secrets)
        guard !added.isEmpty else { return }
        state.withLock { $0 = SecretRedactor(secrets: $0.secrets + added) }
    }

    var redactor: SecretRedactor { state.withLock { $0 } }
}
