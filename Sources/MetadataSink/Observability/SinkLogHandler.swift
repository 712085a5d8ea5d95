import Logging

/// The swift-log handler of every command: writes each record as one JSON line (`LOG_FORMAT=json`,
/// the default) or one text line (`LOG_FORMAT=text`), after replacing any registered secret value.
///
/// Redaction happens here, below every logger, so that it covers messages, metadata and errors
/// from our code, libraries and librdkafka alike.
struct SinkLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    let output: LogOutput
    let secrets: SecretRegistry
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(
        label: String,
        level: Logger.Level,
        format: LogFormat,
        output: LogOutput,
        secrets: SecretRegistry,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.output = output
        self.secrets = secrets
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // Precedence as in swift-log's own handlers: the call's metadata over the provider's over
        // the logger's.
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { $1 }
        }
        if let callMetadata = event.metadata, !callMetadata.isEmpty {
            merged.merge(callMetadata) { $1 }
        }
        let record = LogRecord(
            timestamp: RFC3339Timestamp.now(),
            level: event.level,
            label: label,
            message: event.message.description,
            metadata: merged,
            error: event.error.map { String(describing: $0) }
        ).redacted(by: secrets.redactor)
        switch format {
        case .json: output.write(record.jsonLine())
        case .text: output.write(record.textLine())
        }
    }
}
