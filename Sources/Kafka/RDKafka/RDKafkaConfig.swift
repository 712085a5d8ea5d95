import CRdKafka

/// Builds an `rd_kafka_conf_t` from string properties, reporting a bad key with librdkafka's own
/// message (so "No such configuration property" reads exactly as the librdkafka docs say).
enum RDKafkaConfig {
    static func make(_ properties: [String: String]) throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__FAIL.rawValue, message: "rd_kafka_conf_new failed")
        }
        // Sorted so that the first error reported is the same on every run.
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            var errstr = [CChar](repeating: 0, count: 512)
            let result = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let message = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                throw .configuration(key: key, message: message)
            }
        }
        return conf
    }

    /// Checks properties without creating a client, so that start-up can reject bad configuration
    /// before it connects to anything.
    static func validate(_ properties: [String: String]) throws(KafkaError) {
        let conf = try make(properties)
        rd_kafka_conf_destroy(conf)
    }
}

/// Public entry point for configuration checks done by the executable before start-up.
public enum KafkaConfigurationCheck {
    /// Throws a `KafkaError` naming the key, with librdkafka's own message, for an unknown property
    /// or an invalid value.
    public static func validate(_ properties: [String: String]) throws(KafkaError) {
        try RDKafkaConfig.validate(properties)
    }
}
