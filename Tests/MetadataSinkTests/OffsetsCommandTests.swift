import Foundation
import IngestionAPI
import Kafka
import Testing

@Suite("metadata-sink offsets, as a process, against the mock cluster", .serialized, .timeLimit(.minutes(3)))
struct OffsetsCommandTests {
    @Test("show: committed offset, end offset and lag per partition")
    func show() async throws {
        let fixture = try await RangeCommandFixture(partitions: 2)
        try await fixture.produce((0..<30).map { customerEvent("a-\($0)") }, partition: 0)
        try await fixture.produce((0..<10).map { customerEvent("b-\($0)") }, partition: 1)
        let outsider = try fixture.outsider(group: fixture.group)
        try outsider.commit([fixture.partition(0): 12], synchronously: true)
        await outsider.shutdown()

        let output = try await fixture.run(["offsets", "show", "--group", fixture.group, "--json"])
        #expect(output.status == 0, "stderr: \(output.stderr.suffix(2000))")
        let rows = try #require(try output.json()["partitions"]?.arrayValue)
        #expect(rows.map { [$0["partition"]?.intValue, $0["committed"]?.intValue, $0["end"]?.intValue, $0["lag"]?.intValue] }
            == [[0, 12, 30, 18], [1, nil, 10, nil]])
        #expect(rows.map { $0["topic"]?.stringValue } == [fixture.topic, fixture.topic])

        let table = try await fixture.run(["offsets", "show", "--group", fixture.group, "--topic", fixture.topic])
        #expect(table.status == 0)
        #expect(table.stdout.contains("COMMITTED"))
        #expect(table.stdout.contains("state unknown (the broker does not describe groups)"))
        await fixture.close()
    }

    @Test("reset --to-offset on an inactive group prints its plan, moves it with --execute, and run starts there")
    func resetThenRun() async throws {
        let fixture = try await RangeCommandFixture(partitions: 2)
        for partition: Int32 in 0...1 {
            try await fixture.produce((0..<40).map { customerEvent("p\(partition)-\($0)") }, partition: partition)
        }
        // An inactive group that has read everything. (Its offsets were committed from outside:
        // the 2.0.2 mock refuses outside commits for good to a group that ever had members,
        // where a real broker accepts them once the group is empty.)
        let outsider = try fixture.outsider(group: fixture.group)
        let end: [TopicPartition: Int64] = [fixture.partition(0): 40, fixture.partition(1): 40]
        try outsider.commit(end, synchronously: true)

        let plan = try await fixture.run(["offsets", "reset", "--group", fixture.group, "--topic", fixture.topic, "--to-offset", "25"])
        #expect(plan.status == 0, "stderr: \(plan.stderr.suffix(2000))")
        #expect(plan.stdout.contains("Nothing changed"))
        #expect(try fixture.committed(group: fixture.group, partitions: fixture.allPartitions) == end.mapValues { Optional($0) })

        let applied = try await fixture.run(
            ["offsets", "reset", "--group", fixture.group, "--topic", fixture.topic, "--to-offset", "25", "--execute", "--json"])
        #expect(applied.status == 0, "stderr: \(applied.stderr.suffix(2000))")
        #expect(try applied.json()["outcome"]?.stringValue == "applied")
        #expect(try fixture.committed(group: fixture.group, partitions: fixture.allPartitions)
            == [fixture.partition(0): 25, fixture.partition(1): 25])
        await outsider.shutdown()

        // The service, started on the group, continues from there.
        let run = try SignalledBinary(["run"], environment: fixture.environment)
        let expected = (0...1).flatMap { partition in (25..<40).map { "p\(partition)-\($0)" } }
        let arrived = try await withTestDeadline(.seconds(60)) { try await fixture.emulator.waitForAcceptedItems(count: expected.count) }
        #expect(arrived, "run did not deliver \(expected.count) records: \(run.allOutput.suffix(2000))")
        let status = try await run.stop()
        #expect(status == 0, "\(run.allOutput.suffix(2000))")
        #expect(fixture.emulator.acceptedEventIds().sorted() == expected.sorted())
        await fixture.close()
    }

    @Test("reset on a group with an active member is refused and changes nothing")
    func resetActiveGroupIsRefused() async throws {
        let fixture = try await RangeCommandFixture(partitions: 1)
        try await fixture.produce((0..<10).map { customerEvent("x-\($0)") })
        let outsider = try fixture.outsider(group: fixture.group)
        try outsider.commit([fixture.partition(0): 10], synchronously: true)
        await outsider.shutdown()
        let member = try KafkaConsumer(
            configuration: .init(properties: [
                "bootstrap.servers": fixture.cluster.bootstrapServers, "group.id": fixture.group,
                "session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
            ]),
            logger: .init(label: "member"))
        try member.subscribe(topics: [fixture.topic])
        for await event in member.events {
            if case .assigned = event { break }
        }

        let output = try await fixture.run(
            ["offsets", "reset", "--group", fixture.group, "--topic", fixture.topic, "--to-earliest", "--execute"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("refused to reset the offsets of group \(fixture.group)"))
        #expect(output.stderr.contains("active members"))
        #expect(output.stdout.contains("not applied"))
        #expect(try fixture.committed(group: fixture.group, partitions: [fixture.partition(0)]) == [fixture.partition(0): 10])
        await member.shutdown()
        await fixture.close()
    }

    @Test("reset needs exactly one target")
    func resetUsage() async throws {
        let none = try await BinaryProcess.run(["offsets", "reset", "--group", "g", "--topic", "t"])
        #expect(none.status == 64)
        let two = try await BinaryProcess.run(["offsets", "reset", "--group", "g", "--topic", "t", "--to-earliest", "--to-latest"])
        #expect(two.status == 64)
        #expect(two.stderr.contains("exactly one"))
    }
}
