import Testing
import IngestionAPI

@Suite("JSON serialisation")
struct JSONSerializationTests {
    @Test("compact output with escapes", arguments: [
        (JSONValue.null, "null"),
        (.bool(true), "true"),
        (.number("-1.50e+10"), "-1.50e+10"),
        (.string("a\"b\\c/d"), #""a\"b\\c/d""#),
        (.string("\u{08}\u{0C}\n\r\t\u{0}\u{1F}"), #""\b\f\n\r\t\u0000\u001f""#),
        (.string("é€😀"), "\"é€😀\""),
        (["z": 1, "a": [true, .null], "e": .object(JSONObject())], #"{"z":1,"a":[true,null],"e":{}}"#),
        (.array([]), "[]"),
    ] as [(JSONValue, String)])
    func serialized(value: JSONValue, expected: String) {
        #expect(value.serializedString == expected)
        #expect(value.serialized() == Array(expected.utf8))
    }

    @Test("parse then serialise round trip is stable")
    func roundTrip() throws {
        let documents = [
            #"{"externalConversationId":"c-1","externalCustomerId":"jdoe@example.com","attributes":[{"name":"n","value":"v\n\"q\""}]}"#,
            #"[1,-0.5,1e300,12345678901234567890123,"\u0001é😀",{"":null}]"#,
            " { \"spaced\" : [ 1 , 2 ] } ",
        ]
        for document in documents {
            let value = try JSONParser.parse(document)
            let bytes = value.serialized()
            #expect(try JSONParser.parse(bytes) == value)
            #expect(try JSONParser.parse(bytes).serialized() == bytes)
        }
    }

    @Test("JSONObject subscript set replaces in place, appends, removes")
    func objectMutation() {
        var object: JSONObject = ["a": 1, "b": 2]
        object["a"] = "x"
        object["c"] = 3
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["a"] == "x")
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(JSONValue.object(object).serializedString == #"{"a":"x","c":3}"#)
    }
}
