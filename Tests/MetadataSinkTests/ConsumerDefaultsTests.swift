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
}
