import Testing
@testable import IngestionAPI

/// The skimmer must agree with the strict parser: whenever it reads a body, the parser reads it
/// too (duplicate keys aside, which the skimmer does not check), with the same item spans and
/// eventIds.
@Suite("JSONItemsSkimmer")
struct JSONItemsSkimmerTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Item spans and each item's string eventId.
    struct Read: Equatable {
        var spans: [Range<Int>]
        var eventIds: [String?]
    }

    /// What the skimmer reads, its eventIds decoded; nil if it refuses.
    static func skimmed(_ body: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> Read? {
        JSONItemsSkimmer.skim(body, maxDepth: maxDepth).map { Read(spans: $0.spans, eventIds: $0.eventIdStrings(in: body)) }
    }

    /// What the general path reads; nil if it refuses.
    static func general(_ body: [UInt8]) -> (items: Read?, duplicateKey: Bool) {
        let result = body.withUnsafeBufferPointer {
            JSONParser.parseCapturing($0, maxDepth: JSONParser.defaultMaxDepth, captureElementsOfRootMember: "items")
        }
        switch result {
        case .failure(let error):
            return (nil, error.description.contains("duplicate key"))
        case .success(let parsed):
            guard case .array(let elements)? = parsed.value["items"], case .object = parsed.value else { return (nil, false) }
            return (Read(spans: parsed.spans, eventIds: elements.map { $0["eventId"]?.stringValue }), false)
        }
    }

    static func expectAgreement(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let skimmed = skimmed(body) else { return }
        let general = general(body)
        if general.duplicateKey { return }
        #expect(general.items == skimmed, "skimmed \(String(decoding: body, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    @Test("request bodies of sample events are read with their spans and eventIds")
    func sampleBodies() throws {
        let items = (0..<50).map { SampleCustomerEvents.value(index: $0, kind: $0 % 7 == 3 ? .schemaInvalid : .valid) }
        let body = ManyCustomerMetadataRequest.body(items: items)
        let skimmed = try #require(Self.skimmed(body))
        #expect(skimmed.spans.count == 50)
        #expect(skimmed.spans.map { Array(body[$0]) } == items)
        #expect(skimmed == Self.general(body).items)
        #expect(skimmed.eventIds.contains(nil), "every fifth sample has no eventId")
    }

    @Test("JSON the parser reads is read alike", arguments: [
        #"{"items":[]}"#,
        #" { "other" : [1, -2.5e+3, 0.0, true, false, null, {"a": {"b": []}}], "items" : [ 7 , "x" , [ ] , { } ] } "#,
        #"{"items":[{"eventId":"a\u00e9\"b","x":{"eventId":"inner"}},{"eventId":5},{"eventId":null},{"y":1,"eventId":"last"}]}"#,
        #"{"items":[{"eventId":"\ud83d\ude00"}],"after":"\u00e9"}"#,
        #"{"it\u0065ms":[{"eventId":"escaped-key"}]}"#,
        #"{"items":[{"event\u0049d":"escaped-eventId-key"},{"eventIdx":"longer","eventI":"shorter"}]}"#,
        #"{"items":[["eventId","x"],{"e":{"eventId":"deep"}}]}"#,
        "{\"items\":[{\"eventId\":\"Zürich 😀\"}]}",
    ])
    func agreesOnValidJSON(_ text: String) throws {
        let skimmed = try #require(Self.skimmed(Self.bytes(text)))
        #expect(skimmed == Self.general(Self.bytes(text)).items)
    }

    @Test("what the parser refuses, or is not an items body, is not read", arguments: [
        "", "{}", "[]", #"{"items":{}}"#, #"{"items":"x"}"#, #"{"items":[1,]}"#, #"{"items":[1]"#, #"{"items":[1]} x"#,
        #"{"items":[01]}"#, #"{"items":[1.]}"#, #"{"items":[1e]}"#, #"{"items":[-]}"#, #"{"items":[tru]}"#,
        #"{"items":["\x"]}"#, #"{"items":["\ud800"]}"#, #"{"items":["\udc00"]}"#, #"{"items":["\u12"]}"#,
        "{\"items\":[\"a\u{1}\"]}", #"{"items":[1],"items":[2]}"#, #"{"items" [1]}"#, #"{items:[1]}"#,
    ])
    func refuses(_ text: String) {
        #expect(JSONItemsSkimmer.skim(Self.bytes(text)) == nil)
    }

    @Test("invalid UTF-8 and excessive nesting are refused")
    func bytesAndDepth() {
        #expect(JSONItemsSkimmer.skim(Self.bytes(#"{"items":[""#) + [0xC3] + Self.bytes(#""]}"#)) == nil)
        #expect(JSONItemsSkimmer.skim(Self.bytes(#"{"items":[""#) + [0xED, 0xA0, 0x80] + Self.bytes(#""]}"#)) == nil)
        let nested = Self.bytes(#"{"items":[[[]]]}"#)
        #expect(JSONItemsSkimmer.skim(nested, maxDepth: 4) != nil)
        #expect(JSONItemsSkimmer.skim(nested, maxDepth: 3) == nil)
    }

    @Test("20,000 mutations of a request body: whenever the skimmer reads one, the parser reads it alike")
    func mutationsNeverDisagree() {
        var mutator = ByteMutator(
            seed: 0xB0D1E5, interesting: Array(#""\{}[],: n0.e-+u"#.utf8) + [0x00, 0x09, 0x0A, 0x7F, 0x80, 0xC3, 0xA9, 0xED, 0xFF])
        let seeds: [[UInt8]] = [
            ManyCustomerMetadataRequest.body(items: (0..<3).map { SampleCustomerEvents.value(index: $0, kind: .valid) }),
            Self.bytes(#"{"items":[{"eventId":"a\u00e9","n":[1,2.5e3,null,true]},"s",{"eventId":"\ud83d\ude00"}],"z":{}}"#),
        ]
        var read = 0
        for round in 0..<20_000 {
            let body = mutator.mutate(seeds[round % seeds.count])
            if JSONItemsSkimmer.skim(body) != nil { read += 1 }
            Self.expectAgreement(body)
        }
        #expect(read > 100)
    }
}
