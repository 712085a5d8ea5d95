import Foundation
import IngestionAPI
import Kafka
import Pipeline

/// What a replay or redrive did, as text for people and as one JSON line (`--json`).
struct RangeSummary {
    /// `replay` or `redrive`.
    var command: String
    var topic: String
    /// Where selected records went: `api`, or `topic:NAME` for a republishing redrive.
    var target: String
    var dryRun: Bool
    var ranges: [PartitionRange]
    /// How far every partition is final.
    var positions: [TopicPartition: Int64]
    var totals: SinkMetrics.Totals
    /// Records republished to a topic (redrive `--to topic:NAME`).
    var republished = 0
    var seconds: Double
    var notes: [String] = []

    var records: Int64 { ranges.totalCount }
    var done: Int64 { ranges.doneCount(positions: positions) }
    /// Whether every record in every range reached an outcome.
    var complete: Bool { ranges.allSatisfy { (positions[$0.partition] ?? $0.start) >= $0.end } }

    private var stages: String {
        "decode \(totals.deadLetteredDecode), validate \(totals.deadLetteredValidate), api \(totals.deadLetteredAPI)"
    }

    var text: String {
        var rows: [(String, String)] = [("read", "\(totals.consumed)")]
        if command == "redrive" { rows.append(("not selected (skipped)", "\(totals.filtered)")) }
        if target == "api" {
            if dryRun {
                rows.append(("would be sent", "\(totals.ingested)"))
                rows.append(("would be dead-lettered", "\(totals.deadLettered) (\(stages))"))
            } else {
                rows.append(("ingested by the API", "\(totals.ingested)"))
                rows.append((command == "redrive" ? "dead-lettered again" : "dead-lettered", "\(totals.deadLettered) (\(stages))"))
                rows.append(("API requests", "\(totals.apiRequests)"))
            }
            rows.append(("skipped (tombstones)", "\(totals.skipped)"))
        } else {
            rows.append((dryRun ? "would be republished" : "republished", "\(republished) to \(target.dropFirst("topic:".count))"))
        }
        let rate = seconds > 0 ? Int(Double(done) / seconds) : 0
        rows.append(("time", "\(String(format: "%.2f", seconds)) s (\(rate) records/s)"))
        rows.append(("result", complete ? "every record in the range reached an outcome" : "INCOMPLETE: run again from the positions below"))

        let dryRunNote = dryRun ? " (dry run: nothing sent, dead-lettered or committed)" : ""
        var lines = ["metadata-sink \(command)\(dryRunNote): \(topic), \(records) offsets in range"]
        let width = rows.map(\.0.count).max() ?? 0
        for (label, value) in rows {
            lines.append("  \(label):\(String(repeating: " ", count: width - label.count + 1))\(value)")
        }
        lines.append("  partitions:")
        for range in ranges {
            let position = min(max(positions[range.partition] ?? range.start, range.start), range.end)
            let state = range.isEmpty ? "empty" : position >= range.end ? "done" : "stopped at \(position)"
            lines.append("    \(range.partition)  offsets \(range.start)..<\(range.end) (\(range.count))  \(state)")
        }
        for note in notes { lines.append("  note: \(note)") }
        return lines.joined(separator: "\n")
    }

    var json: String {
        var members: [(key: String, value: JSONValue)] = [
            ("command", .string(command)),
            ("topic", .string(topic)),
            ("target", .string(target)),
            ("dryRun", .bool(dryRun)),
            ("complete", .bool(complete)),
            ("records", .integer(records)),
            ("read", .integer(totals.consumed)),
        ]
        if target == "api" {
            let stages: JSONValue = .object(JSONObject([
                ("decode", .integer(totals.deadLetteredDecode)),
                ("validate", .integer(totals.deadLetteredValidate)),
                ("api", .integer(totals.deadLetteredAPI)),
            ]))
            if dryRun {
                members += [("wouldSend", .integer(totals.ingested)), ("wouldDeadLetter", .integer(totals.deadLettered)),
                            ("wouldDeadLetterByStage", stages)]
            } else {
                members += [("ingested", .integer(totals.ingested)), ("deadLettered", .integer(totals.deadLettered)),
                            ("deadLetteredByStage", stages), ("apiRequests", .integer(totals.apiRequests))]
            }
            members.append(("skipped", .integer(totals.skipped)))
        } else {
            members.append((dryRun ? "wouldRepublish" : "republished", .integer(republished)))
        }
        members.append(("filtered", .integer(totals.filtered)))
        members.append(("partitions", .array(ranges.map { range in
            .object(JSONObject([
                ("topic", .string(range.partition.topic)),
                ("partition", .integer(range.partition.partition)),
                ("start", .integer(range.start)),
                ("end", .integer(range.end)),
                ("position", .integer(min(max(positions[range.partition] ?? range.start, range.start), range.end))),
            ]))
        })))
        members.append(("seconds", .number(String(format: "%.3f", seconds))))
        return String(decoding: JSONValue.object(JSONObject(members)).serialized(), as: UTF8.self)
    }
}
