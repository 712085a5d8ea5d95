@testable import Kafka
import Testing

@Suite("KafkaDeliveryReport")
struct KafkaDeliveryReportTests {
    typealias Delivery = Result<KafkaDeliveryReport, KafkaError>

    @Test func onlyADeliveryWithAnOffsetIsAConfirmedWrite() {
        #expect(Delivery.success(KafkaDeliveryReport(topic: "t", partition: 0, offset: 0)).isConfirmedWrite)
        #expect(Delivery.success(KafkaDeliveryReport(topic: "t", partition: 3, offset: 41)).isConfirmedWrite)
        // librdkafka's answer to a duplicate-sequence retry: delivered by inference, offset -1001.
        #expect(!Delivery.success(KafkaDeliveryReport(topic: "t", partition: 0, offset: -1001)).isConfirmedWrite)
        #expect(!Delivery.failure(KafkaError(code: -185, message: "Local: Message timed out")).isConfirmedWrite)
    }
}
