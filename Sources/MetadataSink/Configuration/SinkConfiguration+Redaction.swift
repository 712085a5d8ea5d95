extension SinkConfiguration {
    /// The effective configuration as `NAME=value` lines under the setting names (the form a
    /// `.env` file or a ConfigMap uses), with every credential shown as `<redacted>`: what
    /// `metadata-sink run --print-config` prints.
    ///
    /// Credentials are left out by name, and the finished text is passed through a
    /// `SecretRedactor` as well, so a secret that also appears in another setting (a password
    /// pasted into a URL, say) is not printed there either.
    func redactedDescription() -> String {
        let redacted = SecretRedactor.placeholder
        var lines: [(String, String)] = [
            (SinkConfigurationKey.kafkaBootstrapServers.name, kafka.bootstrapServers),
            (SinkConfigurationKey.kafkaTopics.name, kafka.topics.joined(separator: ",")),
            (SinkConfigurationKey.kafkaGroupID.name, kafka.groupID),
            (SinkConfigurationKey.kafkaDLQTopic.name, kafka.dlqTopic),
        ]
        for (name, value) in kafka.properties.sorted(by: { $0.key < $1.key }) {
            lines.append((KafkaPropertyName.key(forLibrdkafkaName: name), KafkaPropertyName.isSecret(name) ? redacted : value))
        }
        lines += [
            (SinkConfigurationKey.apiBaseURL.name, api.baseURL),
            (SinkConfigurationKey.apiID.name, redacted),
            (SinkConfigurationKey.apiSecret.name, redacted),
            (SinkConfigurationKey.apiCAFile.name, api.caFile ?? ""),
            (SinkConfigurationKey.batchMaxItems.name, String(pipeline.batchMaxItems)),
            (SinkConfigurationKey.batchMaxBytes.name, String(pipeline.batchMaxBytes)),
            (SinkConfigurationKey.batchLingerMilliseconds.name, String(pipeline.linger.wholeMilliseconds)),
            (SinkConfigurationKey.maxInFlight.name, String(pipeline.maxInFlight)),
            (SinkConfigurationKey.httpPort.name, String(httpPort)),
            (SinkConfigurationKey.logLevel.name, logLevel.rawValue),
            (SinkConfigurationKey.logFormat.name, logFormat.rawValue),
            (SinkConfigurationKey.shutdownGraceSeconds.name, String(shutdownGrace.components.seconds)),
        ]
        let text = lines.map { "\($0.0)=\($0.1)" }.joined(separator: "\n") + "\n"
        return SecretRedactor(secrets: secretValues).redact(text)
    }
}

