import ArgumentParser
import Foundation
import Kafka
import Logging
import Pipeline

/// `metadata-sink redrive`: re-submits dead-lettered records once the cause is fixed.
struct RedriveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redrive",
        abstract: "Re-submit dead-lettered records to the API, or republish them to a topic.",
        discussion: """
            Reads the dead-letter topic from where the redrive's own consumer group \
            ("<KAFKA_GROUP_ID>-redrive" unless --group is given) stopped, or from --from-offset / \
            --from-time, up to its end when the redrive starts. Each selected dead letter (--stage, \
            --error-match) is re-submitted as the original record it carries: its bytes through the \
            same decode, validate, batch and API path as `run`, or, with --to topic:NAME, republished \
            with its original key, value and headers. A record that fails again goes back to the \
            dead-letter topic with dlq.redrive.count raised by one. Dead letters not selected are \
            skipped, and committed past like the others, so a second redrive finds only what is new; \
            use --from-offset or another --group to look at skipped ones again. Do not run two \
            redrives with the same group at once. Exit status as for `replay`.
            """)

    /// Where selected dead letters go.
    enum Target: ExpressibleByArgument, Equatable, CustomStringConvertible {
        case api
        case topic(String)

        init?(argument: String) {
            if argument == "api" {
                self = .api
            } else if argument.hasPrefix("topic:"), SinkConfiguration.isValidTopicName(String(argument.dropFirst(6))) {
                self = .topic(String(argument.dropFirst(6)))
            } else {
                return nil
            }
        }

        var description: String {
            switch self {
            case .api: "api"
            case .topic(let name): "topic:\(name)"
            }
        }
    }

    @OptionGroup var configurationOptions: ConfigurationOptions

    @Option(help: ArgumentHelp("The dead-letter topic to read. Default: KAFKA_DLQ_TOPIC.", valueName: "topic"))
    var dlqTopic: String?

    @Option(
        name: .customLong("stage"),
        help: ArgumentHelp("Take only dead letters of this stage (decode, validate or api); repeat for more. Default: all.", valueName: "stage"))
    var stages: [String] = []

    @Option(help: ArgumentHelp("Take only dead letters whose dlq.error contains a match of this regular expression.", valueName: "regex"))
    var errorMatch: String?

    @Option(help: ArgumentHelp("Where to send them: api (default), or topic:NAME to republish them.", valueName: "api|topic:NAME"))
    var to: Target = .api

    @Option(help: ArgumentHelp("Start at this offset of the dead-letter topic instead of where the group stopped.", valueName: "offset"))
    var fromOffset: Int64?

    @Option(help: ArgumentHelp("Start at the first dead letter at or after this RFC 3339 time instead of where the group stopped.", valueName: "time"))
    var fromTime: String?

    @Option(help: ArgumentHelp("The redrive's consumer group. Default: <KAFKA_GROUP_ID>-redrive.", valueName: "group"))
    var group: String?

    @Flag(help: "Select and validate only; report what would be sent, dead-lettered or republished. Commits nothing.")
    var dryRun = false

    @OptionGroup var output: RangeOutputOptions

    func validate() throws {
        if let dlqTopic, !SinkConfiguration.isValidTopicName(dlqTopic) {
            throw ValidationError("--dlq-topic must be a topic name (letters, digits, '.', '_', '-'), got \(String(reflecting: dlqTopic))")
        }
        _ = try selection()
        _ = try start()
        if let group, group.isEmpty { throw ValidationError("--group must not be empty") }
    }

    func selection() throws -> RedriveSelection {
        var chosen = Set<DeadLetterStage>()
        for stage in stages {
            guard let value = DeadLetterStage(rawValue: stage) else {
                throw ValidationError("--stage must be decode, validate or api, got \(String(reflecting: stage))")
            }
            chosen.insert(value)
        }
        do {
            return try RedriveSelection(stages: chosen, errorPattern: errorMatch)
        } catch {
            throw ValidationError("--error-match must be a regular expression: \(error)")
        }
    }

    /// The start given on the command line; nil: where the group stopped.
    func start() throws -> RangeBound? {
        guard fromOffset == nil || fromTime == nil else { throw ValidationError("give at most one of --from-offset and --from-time") }
        return try .given(offset: fromOffset, offsetOption: "--from-offset", time: fromTime, timeOption: "--from-time")
    }

    func run() async throws {
        var needs: SinkConfiguration.Needs = dlqTopic == nil ? [.deadLetterTopic] : []
        if to == .api && !dryRun { needs.insert(.api) }
        let configuration = try await configurationOptions.loadForTool(needs: needs)
        signal(SIGPIPE, SIG_IGN)
        let logger = Logger(label: "metadata-sink.redrive")
        for warning in configuration.warnings { logger.warning("\(warning)") }
        let dlqTopic = self.dlqTopic ?? configuration.kafka.dlqTopic
        let groupID = group ?? configuration.kafka.groupID + "-redrive"
        guard groupID != configuration.kafka.groupID else {
            FileDescriptorWriter.standardError.writeLine(Array(
                "metadata-sink: --group \(groupID) is the live group (KAFKA_GROUP_ID); a redrive needs a group of its own\n".utf8))
            throw ExitCode(64)
        }
        let selection = try selection()
        let start = try start()

        do {
            let reader = try KafkaPartitionReader(properties: configuration.lookupProperties, logger: Logger(label: "metadata-sink.kafka.lookup"))
            let resolver = RangeResolver(reader: reader, logger: logger)
            let partitions = try resolver.partitions(of: dlqTopic, requested: [])
            if case .topic(let name) = to {
                guard name != dlqTopic else { throw RangeCommandError("--to topic:\(name) is the dead-letter topic being read") }
                _ = try reader.partitionCount(topic: name)
            }
            let consumer = try KafkaConsumer(
                configuration: .init(properties: configuration.rangeConsumerProperties(groupID: groupID)),
                logger: Logger(label: "metadata-sink.kafka.consumer"))
            // Where this group stopped last time, unless told otherwise; the beginning the first time.
            let committed = start == nil ? try consumer.committed(partitions) : [:]
            let resolution = try resolver.resolve(partitions, from: { partition in
                start ?? committed[partition].flatMap { $0 }.map { .offset($0) } ?? .beginning
            }, to: .end)
            let ranges = resolution.ranges
            for note in resolution.notes { logger.notice("\(note)") }
            logger.info("redriving", metadata: [
                "dlqTopic": "\(dlqTopic)", "group": "\(groupID)", "to": "\(to)", "records": "\(ranges.totalCount)",
                "stages": .array(selection.stages.map(\.rawValue).sorted().map { "\($0)" }),
                "errorMatch": "\(selection.errorPattern ?? "")", "dryRun": "\(dryRun)",
                "ranges": .array(ranges.map { "\($0.partition.partition):\($0.start)..<\($0.end)" }),
            ])

            let metrics = SinkMetrics()
            var totals = SinkMetrics.Totals()
            var result = RangeRunner.Result(positions: [:], seconds: 0)
            var republished = 0
            if ranges.totalCount > 0 {
                try consumer.assign(ranges.starts)
                let runner = RangeRunner(label: "redrive", ranges: ranges, logger: logger)
                switch to {
                case .api:
                    let health = SinkHealth()
                    let clients = try PipelineClients(configuration: configuration)
                    var pipelineConfiguration = configuration.pipeline
                    pipelineConfiguration.maxRecordsPerSecond = output.rate
                    let pipeline = SinkPipeline(
                        consumer: consumer, client: clients.client,
                        deadLetters: clients.deadLetterWriter(topic: dlqTopic, configuration: configuration, health: health, metrics: metrics),
                        configuration: pipelineConfiguration,
                        mode: .redrive(start: ranges.starts, end: ranges.ends, selection: selection), dryRun: dryRun,
                        shutdownGrace: configuration.shutdownGrace, health: health, metrics: metrics,
                        logger: Logger(label: "metadata-sink.pipeline"))
                    result = try await runner.run(pipeline)
                    await clients.shutdown()
                    totals = metrics.snapshot
                case .topic(let name):
                    let producer = try KafkaProducer(
                        configuration: .init(properties: configuration.deadLetterProducerProperties),
                        logger: Logger(label: "metadata-sink.kafka.producer"))
                    let republisher = DeadLetterRepublisher(
                        consumer: consumer, producer: producer, topic: name, start: ranges.starts, end: ranges.ends,
                        selection: selection, dryRun: dryRun, logger: Logger(label: "metadata-sink.republish"))
                    result = try await runner.run(republisher)
                    await producer.shutdown()
                    republished = republisher.totals.republished
                    totals.consumed = republisher.totals.read
                    totals.filtered = republisher.totals.filtered
                }
            } else {
                await consumer.shutdown()
            }
            var summary = RangeSummary(
                command: "redrive", topic: dlqTopic, target: to.description, dryRun: dryRun, ranges: ranges,
                positions: result.positions, totals: totals, seconds: result.seconds, notes: resolution.notes)
            summary.republished = republished
            print(summary.text)
            if output.json { print(summary.json) }
            if !summary.complete { throw ExitCode(1) }
        } catch let error as KafkaError {
            throw commandFailure("\(error)")
        } catch let error as RangeCommandError {
            throw commandFailure(error.description)
        }
    }
}
