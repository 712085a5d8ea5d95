/// How `KAFKA_PROPERTY_<NAME>` settings map to librdkafka property names, and which of those
/// properties hold credentials or are owned by the sink itself.
enum KafkaPropertyName {
    /// `KAFKA_PROPERTY_SECURITY_PROTOCOL` → `security.protocol`: the prefix dropped, `_` read as
    /// `.`, lower-cased. Nil when `key` lacks the prefix or names nothing after it.
    static func librdkafkaName(forKey key: String) -> String? {
        let prefix = SinkConfigurationKey.kafkaPropertyPrefix
        guard key.hasPrefix(prefix) else { return nil }
        let rest = key.dropFirst(prefix.count)
        guard !rest.isEmpty else { return nil }
        return String(rest).lowercased().replacing("_", with: ".")
    }

    /// `security.protocol` → `KAFKA_PROPERTY_SECURITY_PROTOCOL`, the one spelling accepted in files.
    static func key(forLibrdkafkaName name: String) -> String {
        SinkConfigurationKey.kafkaPropertyPrefix + name.uppercased().replacing(".", with: "_")
    }

    /// Whether `key` is spelled the way the environment spells it (upper case, digits and `_`), the
    /// form a config file and a secrets directory must use too: the environment provider upper-cases
    /// what it looks up while file providers match exactly, so any other spelling would be read from
    /// one source and silently missed in another.
    static func isCanonicalKey(_ key: String) -> Bool {
        guard librdkafkaName(forKey: key) != nil else { return false }
        return key.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }

    /// Fragments of librdkafka property names whose values are credentials or private keys:
    /// `sasl.password`, `ssl.key.password`, `ssl.keystore.password`, `sasl.oauthbearer.client.secret`,
    /// `ssl.key.pem`, `sasl.oauthbearer.assertion.private.key.passphrase`, `sasl.oauthbearer.config`
    /// (which may embed a client secret), and any future `…token…` or `…credentials…` property.
    /// Matching fragments rather than an exact list errs on the side of redacting.
    private static let secretFragments = [
        "password", "secret", "passphrase", "key.pem", "private.key", "oauthbearer.config", "token", "credential",
    ]

    /// Whether the property's value must never be printed or logged.
    static func isSecret(_ librdkafkaName: String) -> Bool {
        secretFragments.contains { librdkafkaName.contains($0) }
    }

    /// Properties the sink sets itself. Accepting them through `KAFKA_PROPERTY_` would either be
    /// silently overridden (the consumer forces manual commits, the producer idempotence) or
    /// would contradict a dedicated setting, so they are refused with the reason.
    static func managedReason(_ librdkafkaName: String) -> String? {
        switch librdkafkaName {
        case "bootstrap.servers", "metadata.broker.list":
            "is set with KAFKA_BOOTSTRAP_SERVERS"
        case "group.id":
            "is set with KAFKA_GROUP_ID"
        case "enable.auto.commit", "enable.auto.offset.store":
            "is managed by the sink: offsets are committed only once every record before them has an outcome"
        case "enable.idempotence", "acks", "request.required.acks":
            "is managed by the sink: dead letters are produced idempotently with acks=all"
        default:
            nil
        }
    }
}
