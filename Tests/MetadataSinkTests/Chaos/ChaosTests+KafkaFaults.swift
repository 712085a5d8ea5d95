import Foundation
import Kafka
import Testing

extension ChaosTests {
    /// Every broker off the network for 10 s (a network partition, a cluster restart): the same
    /// sink process rides it out, rejoins its group and finishes, without a restart.
    @Test("Broker down: all mock brokers down for 10 s, then up; the service recovers without a restart", .timeLimit(.minutes(5)))
    func brokersDown() async throws {
        let started = ContinuousClock.now
        let stack = try await LocalStack(partitions: 6, brokers: 3, brokerInProcess: true)
        let cluster = try #require(stack.cluster)
        let group = "chaos-brokers-\(UUID())"
        let sink = try await stack.startSink("sink-brokers", group: group)
        var produced = try await stack.produce(0..<10_000, invalidRatio: 0.05)
        try await stack.eventually("records flowing") { try stack.acceptedCount() > 0 }

        for broker in cluster.brokerIDs { try cluster.setBrokerDown(broker) }
        let downAt = ContinuousClock.now
        // More records on their way: the test's producer holds them until the brokers return.
        let producing = Task { try await stack.produce(10_000..<20_000, invalidRatio: 0.05) }
        defer { producing.cancel() }
        // The fault lasts 10 s; the sink is watched meanwhile.
        var everNotReady = false
        while ContinuousClock.now < downAt + .seconds(10) {
            everNotReady = everNotReady || !sink.isReady
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(sink.child.isRunning, "the sink exited while the brokers were down: \(sink.logLines.suffix(5))")
        for broker in cluster.brokerIDs { try cluster.setBrokerUp(broker) }
        produced += try await producing.value

        try await stack.eventually("every partition committed to the end", timeout: .seconds(120)) {
            try stack.committedReachedEnd(group: group)
        }
        try await stack.eventually("ready again") { sink.isReady }
        #expect(sink.child.isRunning)
        let accounting = try await stack.account(produced)
        LocalStack.expectNothingLost(accounting)

        await stack.finishScenario(stopping: sink.child, logsOf: [sink.child])
        print("brokers down: \(accounting); not ready at some point while down: \(everNotReady); \(ContinuousClock.now - started)")
        ReliabilityRow(scenario: "All brokers down for 10 s", accounting: accounting).print()
    }

    /// The dead-letter topic refuses writes: a failed record cannot be made final, so the commit
    /// must stop right before it (while later valid records are still delivered), readiness must
    /// say why, and once the topic takes writes again everything gets through.
    @Test("DLQ unwritable: commits stall at the first failed record, readiness turns false, then everything is delivered", .timeLimit(.minutes(5)))
    func deadLetterTopicUnwritable() async throws {
        let started = ContinuousClock.now
        let stack = try await LocalStack(partitions: 4, brokerInProcess: true)
        let cluster = try #require(stack.cluster)
        let group = "chaos-dlq-\(UUID())"
        // 7 %: bad records on every partition (a ratio of 10 % would put them on two of four).
        let produced = try await stack.produce(0..<2000, invalidRatio: 0.07)

        // From here on every Produce request fails; the seeding is done, so only the sink's
        // dead-letter producer is affected. A short delivery timeout lets the writer see the
        // failure (and report it) in seconds, not librdkafka's default 5 minutes.
        cluster.pushRequestErrors(.produce, Array(repeating: .notEnoughReplicas, count: 1_000_000))
        let sink = try await stack.startSink("sink-dlq", group: group, environment: ["KAFKA_PROPERTY_MESSAGE_TIMEOUT_MS": "2000"])

        var firstFailed: [TopicPartition: Int64] = [:]
        for record in produced where record.kind != .valid {
            let partition = TopicPartition(topic: stack.topic, partition: record.partition)
            firstFailed[partition] = min(firstFailed[partition] ?? .max, record.offset)
        }
        #expect(firstFailed.count == 4)
        try await stack.eventually("not ready, naming the dead-letter topic") {
            (try? sink.get("/readyz").body.contains("dead-letter topic cannot be written")) ?? false
        }
        let valid = produced.filter { $0.kind == .valid }.count
        try await stack.eventually("the valid records after the failed ones delivered", timeout: .seconds(60)) {
            try stack.acceptedCount() >= valid
        }
        try await stack.eventually("commits up to the first failed record of each partition") {
            try stack.committed(group: group).allSatisfy { ($0.value ?? 0) == firstFailed[$0.key] }
        }
        // And no further, however long the topic stays unwritable (watched for 3 s).
        let holdUntil = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < holdUntil {
            let committed = try stack.committed(group: group)
            #expect(committed.allSatisfy { ($0.value ?? 0) == firstFailed[$0.key] }, "\(committed) past \(firstFailed)")
            #expect(!sink.isReady)
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(try sink.metrics()["metadata_sink_dlq_produce_failures_total"] ?? 0 > 0)
        #expect(try await stack.deadLetters().isEmpty)

        cluster.clearRequestErrors(.produce)
        try await stack.eventually("ready again") { sink.isReady }
        try await stack.eventually("every partition committed to the end", timeout: .seconds(60)) {
            try stack.committedReachedEnd(group: group)
        }
        let accounting = try await stack.account(produced)
        LocalStack.expectNothingLost(accounting)
        #expect(accounting.deadLettered == produced.count - valid, "\(accounting)")

        await stack.finishScenario(stopping: sink.child, logsOf: [sink.child])
        print("DLQ unwritable: \(accounting); commits held at \(firstFailed.sorted { $0.key.partition < $1.key.partition }.map(\.value)); \(ContinuousClock.now - started)")
        ReliabilityRow(scenario: "DLQ unwritable (Produce errors), then recovery", accounting: accounting).print()
    }
}
