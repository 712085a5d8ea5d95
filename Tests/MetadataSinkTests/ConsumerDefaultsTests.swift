import Kafka
import Logging
import Testing
@testable import MetadataSink

@Suite("Consumer defaults chosen by the sink")
struct ConsumerDefaultsTests {
    @Test("the prefetch queue defaults to 8 MiB; a KAFKA_PROPERTY_ setting overrides it")
    func prefetchQueue() async throws {
        let defaults = try await SinkConfiguration.load(environment: TestEnvironment.minimal)
        #expect(defaults.consumerProperties["queued.max.messages.kbytes"] == "8192")
        #expect(defaults.kafka.properties["queued.max.messages.kbytes"] == nil, "a default, not a setting the user made")
        #expect(defaults.producerProperties["queued.max.messages.kbytes"] == nil, "consumer only")

        let overridden = try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "KAFKA_PROPERTY_QUEUED_MAX_MESSAGES_KBYTES": "65536",
        ]))
        #expect(overridden.consumerProperties["queued.max.messages.kbytes"] == "65536")
    }

    @Test("fetch responses default to 1 MiB, raised to a larger message.max.bytes; a KAFKA_PROPERTY_ setting overrides it")
    func fetchSize() async throws {
        let defaults = try await SinkConfiguration.load(environment: TestEnvironment.minimal)
        #expect(defaults.consumerProperties["fetch.max.bytes"] == "1048576")
        #expect(defaults.producerProperties["fetch.max.bytes"] == nil, "consumer only")

        let largeRecords = try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "KAFKA_PROPERTY_MESSAGE_MAX_BYTES": "10000000",
        ]))
        #expect(largeRecords.consumerProperties["fetch.max.bytes"] == "10000000")
        // librdkafka itself accepts the combination, where the plain default would be refused.
        let quiet = Logger(label: "consumer-defaults") { _ in SwiftLogNoOpLogHandler() }
        let consumer = try KafkaConsumer(configuration: .init(properties: largeRecords.consumerProperties), logger: quiet)
        await consumer.shutdown()
        var refused = largeRecords.consumerProperties
        refused["fetch.max.bytes"] = "1048576"
        #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: .init(properties: refused), logger: quiet) }

        let smallRecords = try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "KAFKA_PROPERTY_MESSAGE_MAX_BYTES": "500000",
        ]))
        #expect(smallRecords.consumerProperties["fetch.max.bytes"] == "1048576")

        let overridden = try await SinkConfiguration.load(environment: TestEnvironment.minimal([
            "KAFKA_PROPERTY_FETCH_MAX_BYTES": "52428800",
            "KAFKA_PROPERTY_MESSAGE_MAX_BYTES": "10000000",
        ]))
        #expect(overridden.consumerProperties["fetch.max.bytes"] == "52428800")
    }
}
