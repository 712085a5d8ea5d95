import TestSupport
import IngestionAPI
import Kafka
@testable import Pipeline

extension PipelineHarness {
    /// A pipeline over a fixed range (replay or redrive), read with `assign()` under `group`.
    /// It ends by itself; `task.value` returns then.
    func makeRangePipeline(
        mode: SinkPipeline.Mode,
        group: String,
        dryRun: Bool = false,
        configuration: PipelineConfiguration = .testing
    ) throws -> RunningPipeline {
        let consumer = try KafkaConsumer(
            configuration: .init(properties: [
                "bootstrap.servers": cluster.bootstrapServers, "group.id": group, "enable.partition.eof": "true",
                "auto.offset.reset": "earliest", "fetch.wait.max.ms": "50",
            ]),
            logger: quietLogger("range-consumer"))
        if let start = mode.rangeBounds?.start, !start.isEmpty { try consumer.assign(start) }
        let health = SinkHealth()
        let metrics = SinkMetrics()
        let dlqProducer = try KafkaProducer(
            configuration: .init(properties: ["bootstrap.servers": cluster.bootstrapServers, "message.max.bytes": "16777216"]),
            logger: quietLogger("dlq"))
        let deadLetters = DeadLetterWriter(
            producer: dlqProducer, topic: dlqTopic, health: health, metrics: metrics,
            retryBaseDelay: .milliseconds(50), retryMaxDelay: .milliseconds(300), logger: quietLogger("dlq"))
        let client = IngestionClient(baseURL: baseURL, apiID: Self.apiID, apiSecret: Self.apiSecret, http: http)
        let pipeline = SinkPipeline(
            consumer: consumer, client: client, deadLetters: deadLetters, configuration: configuration, mode: mode,
            dryRun: dryRun, health: health, metrics: metrics, logger: quietLogger("pipeline"))
        let task = Task { try await pipeline.run() }
        return RunningPipeline(pipeline: pipeline, task: task, health: health, metrics: metrics)
    }

    /// Committed offsets of any group for any partitions, as the broker has them.
    func committed(group: String, partitions: [TopicPartition]) throws -> [TopicPartition: Int64?] {
        let reader = try KafkaConsumer(
            configuration: .init(properties: ["bootstrap.servers": cluster.bootstrapServers, "group.id": group]),
            logger: quietLogger("probe"))
        return try reader.committed(partitions)
    }

    /// The dead-letter topic's single partition.
    var dlqPartition: TopicPartition { TopicPartition(topic: dlqTopic, partition: 0) }
}
