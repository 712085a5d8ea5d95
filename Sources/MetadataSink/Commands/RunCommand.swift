import ArgumentParser
import Foundation
import HTTPClient
import IngestionAPI
import Kafka
import Logging
import Pipeline
import ServiceLifecycle
import UnixSignals

/// `metadata-sink run`: the service. Configured from the environment, `--config` and
/// `--secrets-dir` (see `SinkConfiguration`); health and metrics on `HTTP_PORT`.
///
/// SIGTERM or SIGINT: stop fetching, finish in-flight work within `SHUTDOWN_GRACE_SECONDS`,
/// commit, leave the group, exit 0. A second signal cancels at once without committing, which
/// at-least-once delivery makes safe.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Consume customer events from Kafka into the Metadata Ingestion API, with a dead-letter topic.")

    @OptionGroup var configurationOptions: ConfigurationOptions

    @Flag(help: "Print the effective configuration, secrets redacted, and exit.")
    var printConfig = false

    func run() async throws {
        BenchParentWatch.exitWithParent()
        let configuration: SinkConfiguration
        do {
            configuration = try await configurationOptions.load()
        } catch {
            throw error.reportedExitCode()
        }
        if printConfig {
            print(configuration.redactedDescription())
            return
        }
        // libcurl is told not to use signals; a peer closing a socket must not kill us either.
        signal(SIGPIPE, SIG_IGN)
        LoggingBootstrap.bootstrap(
            level: configuration.logLevel, format: configuration.logFormat, secrets: configuration.secretValues)
        let logger = Logger(label: "metadata-sink")
        for warning in configuration.warnings { logger.warning("\(warning)") }
        let registry = MetricsBootstrap.bootstrap()
        let health = SinkHealth()
        let metrics = SinkMetrics()

        let consumer = try KafkaConsumer(
            configuration: .init(
                properties: configuration.consumerProperties, revocationTimeout: .seconds(15),
                // Half the pipeline's buffer bound: a backlog waits in librdkafka's prefetch
                // queue and partitions are paused only when the API stops taking records.
                deliveryWindow: configuration.pipeline.maxBufferedRecords / 2),
            logger: Logger(label: "metadata-sink.kafka.consumer"))
        try consumer.subscribe(topics: configuration.kafka.topics)
        var producerProperties = configuration.producerProperties
        // A dead letter carries the original record plus headers; allow it locally, the broker's
        // own limit still applies.
        if producerProperties["message.max.bytes"] == nil { producerProperties["message.max.bytes"] = "16777216" }
        let producer = try KafkaProducer(
            configuration: .init(properties: producerProperties), logger: Logger(label: "metadata-sink.kafka.producer"))
        let http = HTTPClient(
            configuration: .init(caFile: configuration.api.caFile), logger: Logger(label: "metadata-sink.http"))
        let client = IngestionClient(
            baseURL: configuration.api.baseURL, apiID: configuration.api.id, apiSecret: configuration.api.secret, http: http)
        let deadLetters = DeadLetterWriter(
            producer: producer, topic: configuration.kafka.dlqTopic, health: health, metrics: metrics,
            retryMaxDelay: configuration.pipeline.deadLetterRetryMaxDelay, logger: Logger(label: "metadata-sink.dlq"))
        let pipeline = SinkPipeline(
            consumer: consumer, client: client, deadLetters: deadLetters, configuration: configuration.pipeline,
            shutdownGrace: configuration.shutdownGrace, health: health, metrics: metrics,
            logger: Logger(label: "metadata-sink.pipeline"))
        let server = HealthServer(
            port: configuration.httpPort, health: health, registry: registry, logger: Logger(label: "metadata-sink.http-server"))
        let port = try await server.start()
        logger.info("serving /livez, /readyz and /metrics", metadata: ["port": "\(port)"])
        logger.info("consuming", metadata: [
            "topics": "\(configuration.kafka.topics.joined(separator: ","))", "group": "\(configuration.kafka.groupID)",
            "dlqTopic": "\(configuration.kafka.dlqTopic)", "api": "\(configuration.api.baseURL)",
        ])

        // Shut down in reverse order: the pipeline drains first, the health server last, so
        // probes keep getting answers (not ready) while the pipeline finishes.
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: server),
                .init(service: pipeline, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        // The first signal drains (ServiceGroup); a second one exits at once, uncommitted work
        // being read again on restart. ServiceGroup cannot take the same signal for both.
        let secondSignal = Task {
            var received = 0
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                received += 1
                if received >= 2 {
                    logger.warning("second signal: exiting at once without committing", metadata: ["signal": "\(signal)"])
                    Foundation.exit(130)
                }
            }
        }
        defer { secondSignal.cancel() }
        try await group.run()
        await producer.shutdown()
        await http.shutdown()
        logger.info("stopped")
    }
}
