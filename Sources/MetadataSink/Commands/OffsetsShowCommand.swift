import ArgumentParser
import Foundation
import IngestionAPI
import Kafka
import Logging

/// `metadata-sink offsets show`: committed offset, end offset and lag per partition.
struct OffsetsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a group's committed offset, end offset and lag per partition.",
        discussion: "Uses the Kafka settings of `run` (KAFKA_BOOTSTRAP_SERVERS, KAFKA_PROPERTY_…); nothing else is needed.")

    @OptionGroup var configurationOptions: ConfigurationOptions

    @Option(help: "The consumer group.")
    var group: String

    @Option(name: .customLong("topic"), help: "A topic to show; repeat for more. Default: KAFKA_TOPICS.")
    var topics: [String] = []

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard !group.isEmpty else { throw ValidationError("--group must not be empty") }
        for topic in topics where !SinkConfiguration.isValidTopicName(topic) {
            throw ValidationError("--topic must be a topic name (letters, digits, '.', '_', '-'), got \(String(reflecting: topic))")
        }
    }

    func run() async throws {
        let configuration = try await configurationOptions.loadForTool(needs: [])
        let topics = self.topics.isEmpty ? configuration.kafka.topics : self.topics
        guard !topics.isEmpty else { throw ValidationError("give --topic, or set KAFKA_TOPICS") }
        do {
            let tools = try OffsetsTools(configuration: configuration, group: group)
            let offsets = try tools.read(topics: topics)
            await tools.close()
            if json {
                print(Self.json(group: group, offsets))
            } else {
                print("group \(group): \(offsets.stateText)")
                var table = [["TOPIC", "PARTITION", "COMMITTED", "END", "LAG"]]
                for row in offsets.rows {
                    table.append([
                        row.partition.topic, String(row.partition.partition), row.committed.map(String.init) ?? "-",
                        String(row.end), row.lag.map(String.init) ?? "-",
                    ])
                }
                print(TextTable.render(table))
            }
        } catch let error as KafkaError {
            throw commandFailure("\(error)")
        } catch let error as RangeCommandError {
            throw commandFailure(error.description)
        }
    }

    static func json(group: String, _ offsets: GroupOffsets) -> String {
        let partitions: [JSONValue] = offsets.rows.map { row in
            .object(JSONObject([
                ("topic", .string(row.partition.topic)),
                ("partition", .integer(row.partition.partition)),
                ("committed", row.committed.map { .integer($0) } ?? .null),
                ("end", .integer(row.end)),
                ("lag", row.lag.map { .integer($0) } ?? .null),
            ]))
        }
        let object = JSONValue.object(JSONObject([("group", .string(group))] + offsets.stateJSON + [("partitions", .array(partitions))]))
        return String(decoding: object.serialized(), as: UTF8.self)
    }
}
