import ArgumentParser
import Foundation
import IngestionAPI
import Kafka
import Logging

/// `metadata-sink offsets reset`: moves a group's committed offsets, refusing while the group
/// has active members.
struct OffsetsResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Move a group's committed offsets for a topic. Prints the plan; --execute applies it.",
        discussion: """
            Refuses while the group has active members, as kafka-consumer-groups.sh does: stop the \
            consumers first (e.g. scale the deployment to 0). The members are asked for with \
            DescribeGroups; where the broker does not answer that (librdkafka's mock cluster), the \
            commit itself is the check: a group coordinator accepts a commit from outside the group \
            only while the group has no members, and refuses it otherwise (UNKNOWN_MEMBER_ID), \
            which also closes the gap between checking and committing. Target offsets are kept \
            within what each partition holds. Exits 0 when the plan was printed or applied, 1 when \
            it was refused or failed.
            """)

    @OptionGroup var configurationOptions: ConfigurationOptions

    @Option(help: "The consumer group.")
    var group: String

    @Option(help: "The topic whose offsets to move.")
    var topic: String

    @Option(name: .customLong("partition"), help: "A partition to move; repeat for more. Default: all.")
    var partitions: [Int32] = []

    @Option(help: ArgumentHelp("Move to this offset.", valueName: "offset"))
    var toOffset: Int64?

    @Option(help: ArgumentHelp("Move to the first record at or after this RFC 3339 time.", valueName: "time"))
    var toTime: String?

    @Flag(help: "Move to the earliest record kept.")
    var toEarliest = false

    @Flag(help: "Move to the end: skip everything not yet read.")
    var toLatest = false

    @Flag(help: "Apply the plan. Without it, the plan is only printed.")
    var execute = false

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard !group.isEmpty else { throw ValidationError("--group must not be empty") }
        guard SinkConfiguration.isValidTopicName(topic) else {
            throw ValidationError("--topic must be a topic name (letters, digits, '.', '_', '-'), got \(String(reflecting: topic))")
        }
        _ = try target()
    }

    func target() throws -> RangeBound {
        let given = [toOffset != nil, toTime != nil, toEarliest, toLatest].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --to-offset N, --to-time RFC3339, --to-earliest, --to-latest") }
        return try RangeBound.given(offset: toOffset, offsetOption: "--to-offset", time: toTime, timeOption: "--to-time")
            ?? (toEarliest ? .beginning : .end)
    }

    struct PlanRow {
        let partition: TopicPartition
        let current: Int64?
        let target: Int64
    }

    func run() async throws {
        let configuration = try await configurationOptions.loadForTool(needs: [])
        let logger = Logger(label: "metadata-sink.offsets")
        let target = try target()
        let tools: OffsetsTools
        do {
            tools = try OffsetsTools(configuration: configuration, group: group)
        } catch {
            throw commandFailure("\(error)")
        }
        let outcome: Result<Void, any Error>
        do {
            try apply(target, tools: tools, logger: logger)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await tools.close()
        try outcome.get()
    }

    private func apply(_ target: RangeBound, tools: OffsetsTools, logger: Logger) throws {
        do {
            let offsets = try tools.read(topics: [topic], partitions: partitions)
            let resolver = RangeResolver(reader: tools.reader, logger: logger)
            var plan: [PlanRow] = []
            for row in offsets.rows {
                let wanted = try resolver.offset(target, in: row.partition, low: row.low, high: row.end)
                plan.append(PlanRow(partition: row.partition, current: row.committed, target: min(max(wanted, row.low), row.end)))
            }
            let moves = Dictionary(uniqueKeysWithValues: plan.map { ($0.partition, $0.target) })

            guard execute else {
                output(plan: plan, offsets: offsets, outcome: "planned")
                if !json { print("Nothing changed. Add --execute to apply this plan.") }
                return
            }
            if let description = offsets.description, description.hasActiveMembers {
                throw refusal(output: plan, offsets: offsets,
                              reason: "it has active members (\(offsets.stateText))")
            }
            if let refused = try Self.commitRefusal(moves, consumer: tools.consumer) {
                throw refusal(output: plan, offsets: offsets,
                              reason: "it has active members (the group coordinator refused a commit from outside the group: \(refused.name))")
            }
            // Read back what the coordinator now holds rather than trusting the call.
            let after = try tools.consumer.committed(Array(moves.keys))
            let unmoved = moves.filter { after[$0.key].flatMap { $0 } != $0.value }
            guard unmoved.isEmpty else {
                throw commandFailure("the group's offsets did not move for \(unmoved.keys.sorted().map(\.description).joined(separator: ", "))")
            }
            output(plan: plan, offsets: offsets, outcome: "applied")
            logger.info("offsets reset", metadata: [
                "group": "\(group)", "topic": "\(topic)", "target": "\(target)",
                "offsets": .array(plan.map { "\($0.partition.partition):\($0.target)" }),
            ])
        } catch let error as KafkaError {
            throw commandFailure("\(error)")
        } catch let error as RangeCommandError {
            throw commandFailure(error.description)
        }
    }

    /// Commits `moves` as a client outside the group; the error when the coordinator refused it
    /// because the group has members. Other failures are thrown.
    private static func commitRefusal(_ moves: [TopicPartition: Int64], consumer: KafkaConsumer) throws(KafkaError) -> KafkaError? {
        do {
            try consumer.commit(moves, synchronously: true)
            return nil
        } catch {
            guard error.isRefusedByActiveGroup else { throw error }
            return error
        }
    }

    private func refusal(output plan: [PlanRow], offsets: GroupOffsets, reason: String) -> ExitCode {
        output(plan: plan, offsets: offsets, outcome: "refused")
        return commandFailure(
            "refused to reset the offsets of group \(group): \(reason). Stop its consumers (e.g. scale the deployment to 0), wait until they have left, and run this again.")
    }

    private func output(plan: [PlanRow], offsets: GroupOffsets, outcome: String) {
        if json {
            let rows: [JSONValue] = plan.map { row in
                .object(JSONObject([
                    ("topic", .string(row.partition.topic)),
                    ("partition", .integer(row.partition.partition)),
                    ("current", row.current.map { .integer($0) } ?? .null),
                    ("target", .integer(row.target)),
                ]))
            }
            let object = JSONValue.object(JSONObject(
                [("group", .string(group)), ("outcome", .string(outcome))] + offsets.stateJSON + [("partitions", .array(rows))]))
            print(String(decoding: object.serialized(), as: UTF8.self))
            return
        }
        let heading = switch outcome {
        case "applied": "Moved the offsets of group \(group) (\(offsets.stateText)):"
        case "refused": "Plan for group \(group) (\(offsets.stateText)), not applied:"
        default: "Plan for group \(group) (\(offsets.stateText)):"
        }
        print(heading)
        var table = [["TOPIC", "PARTITION", "CURRENT", "NEW"]]
        for row in plan {
            table.append([row.partition.topic, String(row.partition.partition), row.current.map(String.init) ?? "-", String(row.target)])
        }
        print(TextTable.render(table))
    }
}
