import HTTPClient
import IngestionAPI
import Kafka
import Logging
import Pipeline

/// The producer and API client a replay or a redrive to the API works with, made from the sink's
/// configuration as `run` makes them.
struct PipelineClients {
    let producer: KafkaProducer
    let http: HTTPClient
    let client: IngestionClient

    init(configuration: SinkConfiguration) throws {
        producer = try KafkaProducer(
            configuration: .init(properties: configuration.deadLetterProducerProperties),
            logger: Logger(label: "metadata-sink.kafka.producer"))
        http = HTTPClient(configuration: .init(caFile: configuration.api.caFile), logger: Logger(label: "metadata-sink.http"))
        client = IngestionClient(
            baseURL: configuration.api.baseURL, apiID: configuration.api.id, apiSecret: configuration.api.secret, http: http)
    }

    func deadLetterWriter(topic: String, configuration: SinkConfiguration, health: SinkHealth, metrics: SinkMetrics) -> DeadLetterWriter {
        DeadLetterWriter(
            producer: producer, topic: topic, health: health, metrics: metrics,
            retryMaxDelay: configuration.pipeline.deadLetterRetryMaxDelay, logger: Logger(label: "metadata-sink.dlq"))
    }

    func shutdown() async {
        await producer.shutdown()
        await http.shutdown()
    }
}
