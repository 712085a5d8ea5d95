import IngestionAPI
import Testing
@testable import MetadataSink

@Suite("validate: JSON lines checked like the sink checks records")
struct ValidateCommandTests {
    static let valid = #"{"externalConversationId":"c-1","externalCustomerId":"u-1","emailAddress":"jdoe@example.com"}"#

    func check(_ line: String, number: Int = 1) -> ValidateCommand.LineResult? {
        ValidateCommand.check(Array(line.utf8), line: number)
    }

    @Test("a schema-valid object is ok")
    func validLine() {
        #expect(check(Self.valid) == .init(line: 1, errors: []))
        #expect(check(Self.valid + "\r")?.isValid == true, "CRLF input")
    }

    @Test("every violation is listed, in the schema's words")
    func schemaViolations() throws {
        let result = try #require(check(#"{"externalConversationId":"c","phoneNumber":"(555)555-0199 extension 1234567890123"}"#))
        #expect(result.errors == [
            "externalCustomerId: required property is missing",
            #"phoneNumber: does not match pattern [0-9\-\.\(\)\+]+ (character U+0020 at position 13)"#,
            "phoneNumber: maxLength 32 exceeded (37 characters)",
        ])
    }

    @Test("strict decoding: bad JSON, bad UTF-8, duplicates, trailing data and non-objects are errors", arguments: [
        (#"{"externalConversationId": "#, "invalid JSON at byte"),
        (#"{"a":1,"a":2}"#, "duplicate key"),
        (ValidateCommandTests.valid + " {}", "invalid JSON at byte"),
        ("[1,2]", "value is a JSON array, expected an object"),
        ("null", "value is a JSON null, expected an object"),
        ("\"text\"", "value is a JSON string, expected an object"),
    ])
    func strictDecoding(line: String, fragment: String) throws {
        let result = try #require(check(line))
        #expect(!result.isValid)
        #expect(result.errors.count == 1)
        #expect(result.errors[0].contains(fragment), "\(result.errors)")
    }

    @Test("invalid UTF-8 is an error with its byte offset")
    func invalidUTF8() throws {
        var bytes = Array(#"{"externalConversationId":"c","externalCustomerId":"u"#.utf8)
        bytes += [0xC3, 0x28] + Array(#""}"#.utf8)
        let result = try #require(ValidateCommand.check(bytes, line: 9))
        #expect(result.line == 9)
        #expect(result.errors.count == 1)
        #expect(result.errors[0].hasPrefix("invalid JSON at byte 5"), "\(result.errors)")
    }

    @Test("blank lines are skipped but counted, and a last line without newline is checked")
    func lines() {
        let input = Array("\(Self.valid)\n\n   \t\r\n[]\n\(Self.valid)".utf8)
        let results = ValidateCommand.check(lines: input)
        #expect(results.map(\.line) == [1, 4, 5])
        #expect(results.map(\.isValid) == [true, false, true])
        #expect(ValidateCommand.check(lines: []).isEmpty)
    }

    @Test("lines split across read chunks are put back together")
    func chunking() {
        var splitter = ValidateCommand.LineSplitter()
        let text = Array("ab\ncd\n\nef".utf8)
        var lines: [(Int, [UInt8])] = []
        for byte in text {
            lines += splitter.feed([byte][...]).map { ($0.0, Array($0.1)) }
        }
        lines += splitter.finish().map { ($0.0, Array($0.1)) }
        #expect(lines.map(\.0) == [1, 2, 3, 4])
        #expect(lines.map { String(decoding: $0.1, as: UTF8.self) } == ["ab", "cd", "", "ef"])
    }

    @Test("human output: ok, or invalid with one indented line per error")
    func humanOutput() {
        #expect(ValidateCommand.render(.init(line: 3, errors: []), json: false) == "line 3: ok\n")
        #expect(ValidateCommand.render(.init(line: 4, errors: ["a: x", "b: y"]), json: false) == "line 4: invalid\n  a: x\n  b: y\n")
    }

    @Test("--json output: one object per line with line, valid and errors")
    func jsonOutput() throws {
        let rendered = ValidateCommand.render(.init(line: 4, errors: ["externalCustomerId: required property is missing"]), json: true)
        #expect(rendered.hasSuffix("\n"))
        let value = try JSONParser.parse(Array(rendered.dropLast().utf8))
        #expect(value == ["line": 4, "valid": false, "errors": ["externalCustomerId: required property is missing"]])
        #expect(ValidateCommand.render(.init(line: 1, errors: []), json: true) == #"{"line":1,"valid":true,"errors":[]}"# + "\n")
    }

    @Test("the command parses its arguments")
    func arguments() throws {
        let defaults = try ValidateCommand.parse([])
        #expect(defaults.file == "-")
        #expect(!defaults.json)
        let given = try ValidateCommand.parse(["events.jsonl", "--json"])
        #expect(given.file == "events.jsonl")
        #expect(given.json)
    }
}
