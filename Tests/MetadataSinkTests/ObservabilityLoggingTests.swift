import Foundation
import IngestionAPI
import Logging
import Testing
@testable import MetadataSink

struct LeakyError: Error, CustomStringConvertible {
    var detail: String
    var description: String { "request failed: \(detail)" }
}

@Suite("Observability: log lines")
struct ObservabilityLoggingTests {
    static let secret = "s3cr3t-value-for-logs"

    func logger(_ format: LogFormat, _ capture: CapturedOutput, level: Logger.Level = .trace, secrets: [String] = []) -> Logger {
        let registry = SecretRegistry(secrets: secrets)
        return Logger(label: "test.logger") { label in
            SinkLogHandler(label: label, level: level, format: format, output: capture.output, secrets: registry)
        }
    }

    func object(_ line: String) throws -> JSONObject {
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false, "one record, one line")
        guard case .object(let object) = try JSONParser.parse(Array(line.dropLast().utf8)) else {
            Issue.record("not a JSON object: \(line)")
            return JSONObject()
        }
        return object
    }

    @Test("JSON lines: ts, level, label, msg, then metadata, then error")
    func jsonLine() throws {
        let capture = CapturedOutput()
        var logger = logger(.json, capture)
        logger[metadataKey: "component"] = "pipeline"
        logger.warning("batch sent\nwith \"quotes\"", metadata: [
            "topic": "customer-events",
            "partition": "\(3)",
            "nested": ["a": "1", "list": ["x", "y"]],
            "msg": "collides",
        ])
        logger.error("request failed", error: LeakyError(detail: "timeout"))

        let lines = capture.texts
        #expect(lines.count == 2)
        let first = try object(lines[0])
        #expect(first.keys.prefix(4) == ["ts", "level", "label", "msg"])
        #expect(first["level"] == "warning")
        #expect(first["label"] == "test.logger")
        #expect(first["msg"] == "batch sent\nwith \"quotes\"")
        #expect(first["component"] == "pipeline")
        #expect(first["partition"] == "3")
        #expect(first["nested"] == ["a": "1", "list": ["x", "y"]])
        #expect(first["metadata.msg"] == "collides")
        let timestamp = try #require(first["ts"]?.stringValue)
        #expect(timestamp.count == 24 && timestamp.hasSuffix("Z") && timestamp.contains("T"), "\(timestamp)")

        let second = try object(lines[1])
        #expect(second["error"] == "request failed: timeout")
    }

    @Test("text lines: one line per record, values quoted when needed")
    func textLine() {
        let capture = CapturedOutput()
        logger(.text, capture).info("consumer joined\ngroup", metadata: ["group": "metadata-sink", "reason": "first join"])
        let line = capture.all
        #expect(line.hasSuffix(" info test.logger: consumer joined\\ngroup group=metadata-sink reason=\"first join\"\n"), "\(line)")
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test("levels below the handler's are not written")
    func level() {
        let capture = CapturedOutput()
        let logger = logger(.json, capture, level: .notice)
        logger.info("dropped")
        logger.notice("kept")
        #expect(capture.texts.count == 1)
    }

    @Test("a secret never reaches the output, even when logged on purpose", arguments: [LogFormat.json, .text])
    func redaction(format: LogFormat) {
        let capture = CapturedOutput()
        var logger = logger(format, capture, secrets: [Self.secret])
        logger[metadataKey: "handler"] = "\(Self.secret)"
        logger.critical("header asapp-api-secret: \(Self.secret)", metadata: [
            "string": "\(Self.secret)",
            "convertible": .stringConvertible(LeakyError(detail: Self.secret)),
            "nested": ["deeper": ["x-\(Self.secret)-y"]],
            Self.secret: "as a key",
        ])
        logger.error("failed", error: LeakyError(detail: Self.secret))
        let output = capture.all
        #expect(!output.contains(Self.secret), "\(output)")
        #expect(output.contains("<redacted>"))
        #expect(output.contains("x-<redacted>-y"))
    }

    @Test("secrets registered after a logger was made are redacted too")
    func lateRegistration() {
        let capture = CapturedOutput()
        let registry = SecretRegistry()
        let logger = Logger(label: "late") { label in
            SinkLogHandler(label: label, level: .info, format: .json, output: capture.output, secrets: registry)
        }
        registry.register(["late-secret-123"])
        logger.info("value late-secret-123")
        #expect(capture.all.contains("value <redacted>"))
    }

    @Test("the redactor replaces the longest secret first")
    func longestFirst() {
        let redactor = SecretRedactor(secrets: ["abc", "abcdef", ""])
        #expect(redactor.redact("xabcdefx abc") == "x<redacted>x <redacted>")
        #expect(SecretRedactor(secrets: []).redact("abc") == "abc")
    }

    @Test("concurrent log calls write whole lines that never interleave")
    func lineAtomicWrites() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/log.jsonl"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        let writer = FileDescriptorWriter(fileDescriptor: fd)
        let output = LogOutput(writer.writeLine)
        let registry = SecretRegistry()
        let logger = Logger(label: "concurrent") { label in
            SinkLogHandler(label: label, level: .info, format: .json, output: output, secrets: registry)
        }
        let padding = String(repeating: "p", count: 8192)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<50 {
                        logger.info("line", metadata: ["task": "\(task)", "index": "\(index)", "padding": "\(padding)"])
                    }
                }
            }
        }
        close(fd)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 400)
        var seen = Set<String>()
        for line in lines {
            let value = try JSONParser.parse(Array(line.utf8))
            guard case .object(let object) = value else {
                Issue.record("not an object")
                continue
            }
            seen.insert("\(object["task"]?.stringValue ?? "")/\(object["index"]?.stringValue ?? "")")
        }
        #expect(seen.count == 400)
    }

    @Test("RFC 3339 timestamps in UTC with milliseconds")
    func timestamps() {
        #expect(RFC3339Timestamp.format(secondsSinceEpoch: 0, nanoseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339Timestamp.format(secondsSinceEpoch: 1_700_000_000, nanoseconds: 123_456_789) == "2023-11-14T22:13:20.123Z")
        #expect(RFC3339Timestamp.format(secondsSinceEpoch: 951_782_400, nanoseconds: 5_000_000) == "2000-02-29T00:00:00.005Z")
    }
}
