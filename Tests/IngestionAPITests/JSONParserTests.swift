import Testing
@testable import IngestionAPI

@Suite("JSONParser")
struct JSONParserTests {
    @Test("valid documents parse to the expected values", arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        (" false ", .bool(false)),
        ("0", .number("0")),
        ("-0", .number("-0")),
        ("12345678901234567890", .number("12345678901234567890")),
        ("-1.50e+10", .number("-1.50e+10")),
        ("1E-2", .number("1E-2")),
        (#""""#, .string("")),
        (#""a\"b\\c\/d\b\f\n\r\t""#, .string("a\"b\\c/d\u{08}\u{0C}\n\r\t")),
        (#""\u00e9\u20AC\ud83d\ude00""#, .string("é€😀")),
        (#""é€😀""#, .string("é€😀")),
        (#""\u0000""#, .string("\u{0}")),
        ("[]", .array([])),
        ("{}", .object(JSONObject())),
        (" \t\r\n[1, \"a\", null, [true], {}]\n", [1, "a", .null, [true], .object(JSONObject())]),
        (#"{"b":1,"a":{"c":[]}}"#, ["b": 1, "a": ["c": []]]),
    ] as [(String, JSONValue)])
    func validDocuments(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
    }

    @Test("object members keep document order")
    func memberOrder() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":2,"m":3}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
        #expect(value["a"] == 2)
        #expect(value["missing"] == nil)
    }

    @Test("malformed documents are refused with the offset and reason", arguments: [
        ("", 0, "unexpected end of input"),
        ("   ", 3, "unexpected end of input"),
        ("[1,]", 3, "expected a value"),
        ("[1 2]", 3, "expected ',' or ']'"),
        (#"{"a":1,}"#, 7, "object key"),
        (#"{"a" 1}"#, 5, "':'"),
        (#"{"a":1 "b":2}"#, 7, "expected ',' or '}'"),
        ("{1:2}", 1, "object key"),
        ("[1", 2, "expected ',' or ']'"),
        (#"{"a":1"#, 6, "expected ',' or '}'"),
        ("01", 0, "leading zeros"),
        ("-01", 0, "leading zeros"),
        ("-", 1, "expected a digit"),
        ("1.", 2, "decimal point"),
        (".5", 0, "unexpected character '.'"),
        ("1e", 2, "exponent"),
        ("+1", 0, "unexpected character '+'"),
        ("NaN", 0, "unexpected character 'N'"),
        ("tru", 0, "expected 'true'"),
        ("nul", 0, "expected 'null'"),
        ("True", 0, "unexpected character 'T'"),
        (#""abc"#, 0, "unterminated string"),
        ("\"a\nb\"", 2, "control character U+000A"),
        ("\"a\tb\"", 2, "control character U+0009"),
        (#""\x""#, 1, "invalid escape"),
        (#""\u12G4""#, 1, "hex digits"),
        (#""\u12""#, 1, "hex digits"),
        (#""\ud800""#, 1, "lone surrogate"),
        (#""\ud800\u0041""#, 1, "lone surrogate"),
        (#""\udc00""#, 1, "lone surrogate"),
        ("1 2", 2, "end of input"),
        ("{} x", 3, "end of input"),
        ("[] []", 3, "end of input"),
        (#"{"a":1,"a":2}"#, 7, "duplicate key \"a\""),
        ("\u{FEFF}{}", 0, "unexpected character U+FEFF"),
    ] as [(String, Int, String)])
    func malformedDocuments(text: String, offset: Int, reasonFragment: String) {
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.offset == offset && error.reason.contains(reasonFragment)
                && error.description.hasPrefix("invalid JSON at byte \(offset): ")
        }
    }

    @Test("invalid UTF-8 is refused at the offending byte", arguments: [
        ([0x22, 0x61, 0xFF, 0x22], 2),             // 0xFF never appears in UTF-8
        ([0x22, 0xC3, 0x22], 1),                   // truncated 2-byte sequence
        ([0x22, 0xC0, 0xAF, 0x22], 1),             // overlong encoding of '/'
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),       // overlong 3-byte
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),       // UTF-8 encoded surrogate U+D800
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1), // above U+10FFFF
        ([0x22, 0x80, 0x22], 1),                   // lone continuation byte
        ([0x5B, 0xFE, 0x5D], 1),                   // outside a string
    ] as [([UInt8], Int)])
    func invalidUTF8(bytes: [UInt8], offset: Int) {
        #expect {
            try JSONParser.parse(bytes)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.offset == offset && error.reason.contains("invalid UTF-8")
        }
    }

    @Test("valid multi-byte UTF-8 of every length parses")
    func validUTF8() throws {
        let text = "\"a\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}\""
        #expect(try JSONParser.parse(Array(text.utf8)) == .string("a\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"))
    }

    @Test("10,000-deep nesting is an error, not a crash")
    func deepNesting() {
        for opener in ["[", "{\"a\":"] {
            let text = String(repeating: opener, count: 10_000)
            #expect {
                try JSONParser.parse(text)
            } throws: { error in
                (error as? JSONParseError)?.reason.contains("nesting deeper than 512") == true
            }
        }
    }

    @Test("maxDepth is inclusive")
    func maxDepthBoundary() throws {
        let atLimit = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try JSONParser.parse(atLimit) != .null)
        let overLimit = "[" + atLimit + "]"
        #expect(throws: JSONParseError.self) { try JSONParser.parse(overLimit) }
        #expect(try JSONParser.parse("[[1]]", maxDepth: 2) == [[1]])
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[[[]]]", maxDepth: 2) }
        // A very large maxDepth still cannot overflow the stack while parsing: the parser does not
        // recurse. (The input is left unclosed so no 100,000-deep value is built: destroying one
        // would recurse.)
        let deep = String(repeating: "[", count: 100_000)
        #expect {
            try JSONParser.parse(deep, maxDepth: 200_000)
        } throws: { error in
            (error as? JSONParseError)?.reason.contains("unexpected end of input") == true
        }
    }

    @Test("a 1 MB string value parses")
    func largeString() throws {
        let big = String(repeating: "abcdé€😀\\n", count: 70_000)
        let text = "{\"value\":\"\(big)\"}"
        #expect(text.utf8.count > 1_000_000)
        let value = try JSONParser.parse(text)
        let expected = String(repeating: "abcdé€😀\n", count: 70_000)
        #expect(value["value"]?.stringValue == expected)

        let plain = String(repeating: "x", count: 1 << 20)
        #expect(try JSONParser.parse("\"\(plain)\"").stringValue?.utf8.count == 1 << 20)
    }

    @Test("duplicate keys are refused in small and large objects, at any depth")
    func duplicateKeys() {
        let manyKeys = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        for text in [
            #"{"a":1,"b":2,"a":3}"#,
            "{\(manyKeys),\"k17\":0}",
            #"[{"x":{"y":1,"y":1}}]"#,
            #"{"a":1,"\u0061":2}"#,
        ] {
            #expect {
                try JSONParser.parse(text)
            } throws: { error in
                (error as? JSONParseError)?.reason.contains("duplicate key") == true
            }
        }
        // The same key in different objects is fine.
        #expect(throws: Never.self) { _ = try JSONParser.parse(#"[{"a":1},{"a":2},{"b":{"a":3}}]"#) }
        #expect(throws: Never.self) { _ = try JSONParser.parse("{\(manyKeys)}") }
    }

    @Test("raw buffers, slices and strings parse alike")
    func inputKinds() throws {
        let bytes = Array(#"  {"a":[1,2]}  "#.utf8)
        let expected: JSONValue = ["a": [1, 2]]
        #expect(try JSONParser.parse(bytes) == expected)
        #expect(try JSONParser.parse(bytes[...]) == expected)
        #expect(try bytes.withUnsafeBytes { try JSONParser.parse($0) } == expected)
        #expect(try JSONParser.parse(bytes.lazy.map { $0 }) == expected)
    }

    @Test("element spans of a root member are captured as written")
    func elementSpans() throws {
        let text = #"{"other":[9], "items" : [ {"a": 1} ,"x",[2, 3]], "tail":{}}"#
        let bytes = Array(text.utf8)
        let result = try bytes.withUnsafeBufferPointer { buffer in
            try JSONParser.parseCapturing(buffer, maxDepth: 512, captureElementsOfRootMember: "items").get()
        }
        let pieces = result.spans.map { String(decoding: bytes[$0], as: UTF8.self) }
        #expect(pieces == [#"{"a": 1}"#, #""x""#, "[2, 3]"])
    }
}
