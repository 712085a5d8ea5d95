import ArgumentParser
import Foundation
import Kafka
import Logging
import Pipeline

/// `metadata-sink replay`: pushes a known range of a topic through the pipeline again, without
/// touching the live consumer group.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Send a range of a topic through the pipeline again, without touching the live consumer group.",
        discussion: """
            Reads exactly the range with assign() under the group "<KAFKA_GROUP_ID>-replay", to which \
            nothing is ever committed; the live group's offsets are not touched. Records take the \
            same decode, validate, batch, API and dead-letter path as in `run`, with the same \
            configuration (KAFKA_TOPICS is not needed). The end defaults to the partitions' end \
            offsets when the replay starts, so a replay always ends. Progress goes to standard \
            error (a bar on a terminal, log lines otherwise); the summary to standard output. \
            Exits 0 when every record in the range reached an outcome, 1 when it stopped early \
            (a signal), 78 on bad configuration.
            """)

    @OptionGroup var configurationOptions: ConfigurationOptions

    @Option(help: "The topic to replay.")
    var topic: String

    @Option(name: .customLong("partition"), help: "A partition to replay; repeat for more. Default: all.")
    var partitions: [Int32] = []

    @Option(help: ArgumentHelp("Start at this offset (in every chosen partition).", valueName: "offset"))
    var fromOffset: Int64?

    @Option(help: ArgumentHelp("Start at the first record at or after this RFC 3339 time.", valueName: "time"))
    var fromTime: String?

    @Flag(help: "Start at the earliest record kept.")
    var fromBeginning = false

    @Option(help: ArgumentHelp("Stop before this offset. Default: the end offset when the replay starts.", valueName: "offset"))
    var toOffset: Int64?

    @Option(help: ArgumentHelp("Stop before the first record at or after this RFC 3339 time.", valueName: "time"))
    var toTime: String?

    @Flag(help: "Decode and validate only; report what would be sent and what would be dead-lettered.")
    var dryRun = false

    @OptionGroup var output: RangeOutputOptions

    func validate() throws {
        guard SinkConfiguration.isValidTopicName(topic) else {
            throw ValidationError("--topic must be a topic name (letters, digits, '.', '_', '-'), got \(String(reflecting: topic))")
        }
        if let partition = partitions.first(where: { $0 < 0 }) {
            throw ValidationError("--partition must be 0 or more, got \(partition)")
        }
        _ = try range()
    }

    /// The range asked for; usage errors for contradictions and bad values.
    func range() throws -> (from: RangeBound, to: RangeBound) {
        let starts = [fromOffset != nil, fromTime != nil, fromBeginning].filter { $0 }.count
        guard starts == 1 else {
            throw ValidationError("give exactly one start: --from-offset N, --from-time RFC3339 or --from-beginning")
        }
        guard toOffset == nil || toTime == nil else { throw ValidationError("give at most one of --to-offset and --to-time") }
        let from = try RangeBound.given(offset: fromOffset, offsetOption: "--from-offset", time: fromTime, timeOption: "--from-time")
        let to = try RangeBound.given(offset: toOffset, offsetOption: "--to-offset", time: toTime, timeOption: "--to-time")
        return (from ?? .beginning, to ?? .end)
    }

    func run() async throws {
        let configuration = try await configurationOptions.loadForTool(needs: dryRun ? [] : [.deadLetterTopic, .api])
        signal(SIGPIPE, SIG_IGN)
        let logger = Logger(label: "metadata-sink.replay")
        for warning in configuration.warnings { logger.warning("\(warning)") }
        if topic == configuration.kafka.dlqTopic {
            FileDescriptorWriter.standardError.writeLine(Array(
                "metadata-sink: \(topic) is the dead-letter topic (KAFKA_DLQ_TOPIC); re-submit dead letters with `metadata-sink redrive`\n".utf8))
            throw ExitCode(64)
        }
        let (from, to) = try range()

        do {
            let reader = try KafkaPartitionReader(properties: configuration.lookupProperties, logger: Logger(label: "metadata-sink.kafka.lookup"))
            let resolver = RangeResolver(reader: reader, logger: logger)
            let resolution = try resolver.resolve(try resolver.partitions(of: topic, requested: partitions), from: from, to: to)
            let ranges = resolution.ranges
            for note in resolution.notes { logger.notice("\(note)") }
            logger.info("replaying", metadata: [
                "topic": "\(topic)", "from": "\(from)", "to": "\(to)", "records": "\(ranges.totalCount)",
                "ranges": .array(ranges.map { "\($0.partition.partition):\($0.start)..<\($0.end)" }),
                "dryRun": "\(dryRun)", "group": "\(Self.groupID(configuration))",
            ])

            let health = SinkHealth()
            let metrics = SinkMetrics()
            var result = RangeRunner.Result(positions: [:], seconds: 0)
            if ranges.totalCount > 0 {
                let consumer = try KafkaConsumer(
                    configuration: .init(properties: configuration.rangeConsumerProperties(groupID: Self.groupID(configuration))),
                    logger: Logger(label: "metadata-sink.kafka.consumer"))
                try consumer.assign(ranges.starts)
                let clients = try PipelineClients(configuration: configuration)
                var pipelineConfiguration = configuration.pipeline
                pipelineConfiguration.maxRecordsPerSecond = output.rate
                let pipeline = SinkPipeline(
                    consumer: consumer, client: clients.client,
                    deadLetters: clients.deadLetterWriter(topic: configuration.kafka.dlqTopic, configuration: configuration, health: health, metrics: metrics),
                    configuration: pipelineConfiguration, mode: .range(start: ranges.starts, end: ranges.ends), dryRun: dryRun,
                    shutdownGrace: configuration.shutdownGrace, health: health, metrics: metrics,
                    logger: Logger(label: "metadata-sink.pipeline"))
                result = try await RangeRunner(label: "replay", ranges: ranges, logger: logger).run(pipeline)
                await clients.shutdown()
            }
            let summary = RangeSummary(
                command: "replay", topic: topic, target: "api", dryRun: dryRun, ranges: ranges, positions: result.positions,
                totals: metrics.snapshot, seconds: result.seconds, notes: resolution.notes)
            print(summary.text)
            if output.json { print(summary.json) }
            if !summary.complete { throw ExitCode(1) }
        } catch let error as KafkaError {
            throw commandFailure("\(error)")
        } catch let error as RangeCommandError {
            throw commandFailure(error.description)
        }
    }

    /// The group a replay reads under: derived from the live one (so that prefix ACLs on group
    /// names keep working) and never committed to.
    static func groupID(_ configuration: SinkConfiguration) -> String {
        configuration.kafka.groupID + "-replay"
    }
}
