import ArgumentParser

/// `metadata-sink offsets`: a consumer group's committed offsets, and moving them.
struct OffsetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offsets",
        abstract: "Show or reset a consumer group's committed offsets.",
        subcommands: [OffsetsShowCommand.self, OffsetsResetCommand.self])
}
