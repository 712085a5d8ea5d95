import CRdKafka
@testable import Kafka
import Logging
import Testing

@Suite("RDKafkaMessage.TopicNames")
struct RDKafkaTopicNamesTests {
    @Test("answers each topic handle's own name, as topics alternate, short or long")
    func namesFollowTheHandles() throws {
        // Topic handles need a client, not a broker: nothing is sent.
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let client = try RDKafkaClient(kind: .producer, properties: ["bootstrap.servers": "127.0.0.1:1"],
                                       context: RDKafkaContext(logger: logger))
        let names = ["a", "customer-events-over-fifteen-bytes", "customer-events-over-fifteen-bytez", "b"]
        let handles = try names.map { try #require(rd_kafka_topic_new(client.handle, $0, nil)) }
        defer { handles.forEach { rd_kafka_topic_destroy($0) } }
        var cache = RDKafkaMessage.TopicNames()
        // Each in turn, repeats included: a cached name must never answer for another topic,
        // even one that differs only in its last byte.
        for index in [0, 0, 1, 1, 2, 1, 0, 2, 3, 1] {
            #expect(cache.name(of: handles[index]) == names[index])
        }
        #expect(cache.name(of: nil) == "")
    }
}
