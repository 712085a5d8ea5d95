import ArgumentParser

/// `metadata-sink`: streams customer events from Kafka into the Metadata Ingestion API.
@main
struct MetadataSink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata-sink",
        abstract: "Streams customer events from Kafka into the Metadata Ingestion API, with a dead-letter topic.",
        subcommands: [
            RunCommand.self,
            ReplayCommand.self,
            RedriveCommand.self,
            OffsetsCommand.self,
            DemoCommand.self,
            ValidateCommand.self,
            DevBrokerCommand.self,
            EmulatorCommand.self,
            BenchCommand.self,
            BenchCeilingCommand.self,
        ]
    )
}
