import Kafka
@testable import Pipeline
import Testing

/// A record as read from `topic`, partition `partition`, at `offset`.
private func read(_ topic: String, _ partition: Int32, _ offset: Int64) -> SinkRecord {
    SinkRecord(
        message: KafkaMessage(topic: topic, partition: partition, offset: offset, key: nil, value: Array("{}".utf8)),
        eventId: "e-\(topic)-\(partition)-\(offset)",
        preparedItem: nil)
}

@Suite("PipelineEngine.partitionRuns")
struct PipelineEnginePartitionRunsTests {
    @Test func consecutiveRecordsOfOnePartitionFormOneRun() {
        let records = [read("events", 0, 5), read("events", 0, 6), read("events", 1, 2), read("events", 0, 7)]
        let runs = PipelineEngine.partitionRuns(records)
        #expect(runs.map(\.partition) == [
            TopicPartition(topic: "events", partition: 0),
            TopicPartition(topic: "events", partition: 1),
            TopicPartition(topic: "events", partition: 0),
        ])
        #expect(runs.map(\.range) == [0..<2, 2..<3, 3..<4])
    }

    @Test func theSamePartitionNumberOfAnotherTopicStartsANewRun() {
        let runs = PipelineEngine.partitionRuns([read("a", 0, 1), read("b", 0, 1)])
        #expect(runs.map(\.range) == [0..<1, 1..<2])
    }

    /// A redriven dead letter is processed as its original (other topic, other partition) but
    /// tracked where it was read. Runs keyed by the original's partition found no tracker, so the
    /// dead-letter offsets never became final and a redrive never ended.
    @Test func redrivenRecordsRunByWhereTheyWereReadNotByTheirOriginal() {
        let dlq = TopicPartition(topic: "events.dlq", partition: 0)
        let records = [read("events", 3, 40), read("events", 1, 12), read("events", 3, 41)].enumerated().map { index, original in
            original.read(at: ReadPosition(topicPartition: dlq, offset: Int64(index)), priorRedrives: 0)
        }
        let runs = PipelineEngine.partitionRuns(records)
        #expect(runs.map(\.partition) == [dlq])
        #expect(runs.map(\.range) == [0..<3])
    }
}
