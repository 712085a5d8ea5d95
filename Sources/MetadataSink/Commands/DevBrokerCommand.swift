import ArgumentParser
import Foundation
import Kafka
import Logging
import UnixSignals

/// `metadata-sink dev-broker`: a Kafka cluster in one process, for running the sink locally
/// without Docker.
struct DevBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Run an in-memory Kafka cluster (librdkafka's mock cluster) in the foreground.",
        discussion: """
            Prints the bootstrap servers on the first line of standard output, logs to standard \
            error (LOG_LEVEL, LOG_FORMAT), and runs until SIGTERM or SIGINT. Topics and records \
            live in memory and are gone when it stops; each partition keeps about 5 MB. It speaks \
            the Kafka protocol, consumer groups and offset commits included, on loopback ports.
            """
    )

    /// A topic to create: `NAME:PARTITIONS`, or `NAME` for one partition.
    struct TopicSpec: ExpressibleByArgument, Sendable, Equatable {
        var name: String
        var partitions: Int32

        init(name: String, partitions: Int32) {
            self.name = name
            self.partitions = partitions
        }

        init?(argument: String) {
            let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            let name = String(parts[0])
            guard SinkConfiguration.isValidTopicName(name) else { return nil }
            var partitions: Int32 = 1
            if parts.count == 2 {
                guard let count = Int32(parts[1]), (1...10_000).contains(count) else { return nil }
                partitions = count
            }
            self.init(name: name, partitions: partitions)
        }
    }

    @Option(help: "Number of brokers (1 to 16).")
    var brokers: Int = 1

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp(
            "A topic to create, as NAME:PARTITIONS (NAME alone: 1 partition). Repeat for more topics.",
            valueName: "name:partitions"
        )
    )
    var topics: [TopicSpec] = []

    func validate() throws {
        guard (1...16).contains(brokers) else {
            throw ValidationError("--brokers must be from 1 to 16, got \(brokers)")
        }
        var names = Set<String>()
        for topic in topics where !names.insert(topic.name).inserted {
            throw ValidationError("--topic \(topic.name) is given twice")
        }
    }

    func run() async throws {
        BenchParentWatch.exitWithParent()
        do {
            try LoggingBootstrap.bootstrapFromEnvironment(ProcessInfo.processInfo.environment, output: .standardError)
        } catch {
            throw error.reportedExitCode()
        }
        let logger = Logger(label: "metadata-sink.dev-broker")

        // Trap the signals before announcing readiness, so that a SIGTERM sent right after the
        // first line is read stops the cluster cleanly instead of killing the process.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)

        let cluster = try KafkaMockCluster(brokers: brokers, logger: logger)
        for topic in topics {
            // Replicated when there are brokers to replicate to, so that taking one down
            // (as a test might) behaves like a real cluster.
            try cluster.createTopic(topic.name, partitions: topic.partitions, replicationFactor: Int32(min(brokers, 3)))
        }

        FileDescriptorWriter.standardOutput.writeLine(Array("\(cluster.bootstrapServers)\n".utf8))
        logger.info("dev broker running", metadata: [
            "bootstrap_servers": "\(cluster.bootstrapServers)",
            "brokers": "\(brokers)",
            "topics": .array(topics.map { "\($0.name):\($0.partitions)" }),
        ])

        for await signal in signals {
            logger.info("dev broker stopping", metadata: ["signal": "\(signal)"])
            break
        }
        withExtendedLifetime(cluster) {}
    }
}
