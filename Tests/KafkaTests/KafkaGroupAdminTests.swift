import TestSupport
import Kafka
import Testing

@Suite("Describing groups and committing from outside a group on the mock cluster")
struct KafkaGroupAdminTests {
    @Test("the 2.0.2 mock cluster does not describe groups, which is why offsets reset has a second check")
    func describeIsUnsupportedOnTheMock() async throws {
        let fixture = try MockTopic("describe", partitions: 1)
        let admin = try KafkaAdmin(properties: ["bootstrap.servers": fixture.cluster.bootstrapServers], logger: testLogger("admin"))
        #expect {
            try admin.describeConsumerGroup(uniqueName("group"))
        } throws: { error in
            (error as? KafkaError)?.isUnsupportedFeature == true
        }
    }

    @Test("a commit from outside the group is accepted while no member joined it and refused while one is in it")
    func outsideCommitFollowsMembership() async throws {
        let fixture = try MockTopic("outside", partitions: 2)
        let cluster = fixture.cluster
        let group = uniqueName("group")
        let partition = TopicPartition(topic: fixture.name, partition: 0)
        // Not subscribed: commits as a client outside the group, as `offsets reset` does.
        let outsider = try KafkaConsumer(
            configuration: .init(properties: ["bootstrap.servers": cluster.bootstrapServers, "group.id": group]), logger: testLogger("outsider"))
        try outsider.commit([partition: 3], synchronously: true)
        #expect(try outsider.committed([partition])[partition] == .some(3))

        let member = try KafkaConsumer(configuration: .init(properties: groupProperties(cluster, group: group)), logger: testLogger("member"))
        try member.subscribe(topics: [fixture.name])
        var events = member.events.makeAsyncIterator()
        var collector = EventCollector()
        await collector.collect(from: &events, until: { !$0.assigned.isEmpty })
        #expect {
            try outsider.commit([partition: 1], synchronously: true)
        } throws: { error in
            (error as? KafkaError)?.isRefusedByActiveGroup == true
        }
        #expect(try outsider.committed([partition])[partition] == .some(3))

        await member.shutdown()
        // Unlike a real coordinator, which accepts again once the group is empty, the 2.0.2 mock
        // keeps a group that ever had members and refuses outside commits to it for good
        // (rdkafka_mock_handlers.c, OffsetCommit): tests of `offsets reset` on an inactive group
        // use a group that no member joined.
        #expect(throws: KafkaError.self) { try outsider.commit([partition: 1], synchronously: true) }
        await outsider.shutdown()
    }
}
