import Testing
@testable import IngestionAPI

/// The fast path may only say "valid" where the general path (strict parser, then validator)
/// says valid too, with the same eventId; and it must say so for the common shapes, or it would
/// speed nothing up.
@Suite("CustomerItemFastPath")
struct CustomerItemFastPathTests {
    /// What the general path concludes: the eventId of a valid item (nil: valid without one), or
    /// `.invalid` for anything it refuses.
    enum GeneralVerdict: Equatable {
        case valid(eventId: String?)
        case validWithNullEventId
        case invalid
    }

    static func generalVerdict(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> GeneralVerdict {
        guard let item = try? JSONParser.parse(bytes, maxDepth: maxDepth), case .object = item,
              CustomerMetadataValidator.validate(item).isEmpty
        else { return .invalid }
        if item["eventId"]?.isNull == true { return .validWithNullEventId }
        return .valid(eventId: item["eventId"]?.stringValue)
    }

    /// Checks the one property that matters: a fast "valid" is always the general verdict too.
    static func expectAgreement(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth, _ comment: String = "",
                                sourceLocation: SourceLocation = #_sourceLocation) {
        // `check` is `validItem` without the eventId string: the same verdict, always.
        let check = CustomerItemFastPath.check(bytes, maxDepth: maxDepth)
        guard let fast = CustomerItemFastPath.validItem(bytes, maxDepth: maxDepth) else {
            #expect(check == nil, "check said valid where validItem did not \(comment)", sourceLocation: sourceLocation)
            return
        }
        #expect(check?.hasEventId == (fast.eventId != nil), "check disagrees with validItem \(comment)", sourceLocation: sourceLocation)
        let general = generalVerdict(bytes, maxDepth: maxDepth)
        #expect(general == .valid(eventId: fast.eventId),
                "fast path said valid for \(String(decoding: bytes, as: UTF8.self)) \(comment)", sourceLocation: sourceLocation)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let minimal = #"{"externalConversationId":"conv-1","externalCustomerId":"cust-1"}"#

    @Test("sample events, valid and refused by the business rule, take the fast path with their eventId")
    func samplesTakeTheFastPath() {
        for index in 0..<500 {
            for kind in [SampleCustomerEvents.Kind.valid, .businessRefused] {
                let value = SampleCustomerEvents.value(index: index, kind: kind)
                let fast = CustomerItemFastPath.validItem(value)
                #expect(fast != nil, "sample \(index) \(kind) should take the fast path")
                #expect(fast.map { Self.generalVerdict(value) == .valid(eventId: $0.eventId) } ?? false)
            }
        }
    }

    @Test("bad samples never take the fast path")
    func badSamplesFallBack() {
        for index in 0..<300 {
            for kind in [SampleCustomerEvents.Kind.schemaInvalid, .malformed] {
                #expect(CustomerItemFastPath.validItem(SampleCustomerEvents.value(index: index, kind: kind)) == nil)
            }
        }
    }

    @Test("valid variations of the common shape take the fast path", arguments: [
        minimal,
        #"  {"externalCustomerId" : "a.b@c-d_e" ,  "externalConversationId":"X"}  "#,
        "{\n\t\"externalConversationId\": \"c\",\r\n \"externalCustomerId\": \"d\"\n}\n",
        #"{"externalConversationId":"c","externalCustomerId":"d","eventId":"e-1_2","status":null,"phoneNumber":null,"emailAddress":null,"userId":null,"addressCountry":null,"addressState":null,"addressZipcode":null,"attributes":null}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":[]}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{},{"name":"n"},{"value":"v"},{"value":"","name":""}]}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{"name":"Zürich","value":"日本語 😀"}]}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","emailAddress":"first.last+tag@sub.example.co"}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","phoneNumber":"+1(555)555-0100.12"}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","emailAddress":"x@[192.168.0.1]"}"#,
    ])
    func commonShapes(_ text: String) {
        let fast = CustomerItemFastPath.validItem(Self.bytes(text))
        #expect(fast != nil)
        Self.expectAgreement(Self.bytes(text))
    }

    @Test("everything else falls back to the general path", arguments: [
        "", " ", "{}", "[]", "null", #""x""#, "{", #"{"externalConversationId":"c"}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d"} x"#,
        #"{"externalConversationId":"c","externalCustomerId":"d",}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d""#,
        #"{"externalConversationId":"c","externalCustomerId":"d","externalCustomerId":"e"}"#,  // duplicate key
        #"{"externalConversationId":"c","externalCustomerId":"d","other":"x"}"#,  // unknown property: general path
        #"{"externalConversationId":"c","externalCustomerId":"d","eventId":null}"#,  // null eventId: re-encoded
        #"{"externalConversationId":"c","externalCustomerId":"d","eventId":"a\u0062"}"#,  // escape
        #"{"externalConversationId":"c","externalCustomerId":"d","status":""}"#,  // empty: pattern needs one
        #"{"externalConversationId":"c d","externalCustomerId":"d"}"#,  // pattern
        #"{"externalConversationId":"c","externalCustomerId":"d","phoneNumber":"call me"}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","addressZipcode":"12345678901234567"}"#,  // 17 > 16
        #"{"externalConversationId":"c","externalCustomerId":"d","emailAddress":"no-at-sign"}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","emailAddress":"a@-b"}"#,
        #"{"externalConversationId":"c","externalCustomerId":null}"#,
        #"{"externalConversationId":"c","externalCustomerId":5}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","status":true}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":{}}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":[null]}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{"name":null}]}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{"name":"a","name":"b"}]}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{"extra":"a"}]}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{},{},{},{},{},{},{},{},{},{},{}]}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{}],}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{},]}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","attributes":nul}"#,
        #"{"externalConversationId":"c","externalCustomerId":"d","status":nullx}"#,
        "{\"externalConversationId\":\"c\u{7}\",\"externalCustomerId\":\"d\"}",  // control character
        "{\"externalConversationId\":\"Zürich\",\"externalCustomerId\":\"d\"}",  // non-ASCII breaks the pattern
        "\u{FEFF}{\"externalConversationId\":\"c\",\"externalCustomerId\":\"d\"}",  // BOM
    ])
    func fallsBack(_ text: String) {
        #expect(CustomerItemFastPath.validItem(Self.bytes(text)) == nil)
    }

    @Test("a property name off by one byte anywhere is not that property")
    func nearMissNames() {
        // Each property with a value valid for it, in an item that is valid as it stands; the
        // name is then changed in one byte, so that only reading it as the property would make
        // the item valid again.
        let members: [(name: String, value: String)] = [
            ("externalConversationId", #""c""#), ("externalCustomerId", #""d""#), ("eventId", #""e""#), ("status", #""s""#),
            ("phoneNumber", #""1""#), ("emailAddress", #""a@b""#), ("userId", #""u""#), ("addressCountry", #""x""#),
            ("addressState", #""x""#), ("addressZipcode", #""1""#), ("attributes", "null"),
        ]
        for (index, member) in members.enumerated() {
            var present = [members[0], members[1]]
            if index > 1 { present.append(member) }
            func item(_ key: [UInt8]) -> [UInt8] {
                Self.bytes("{") + present.enumerated().map { position, other in
                    let name = other.name == member.name ? key : Array(other.name.utf8)
                    return (position > 0 ? Self.bytes(",") : []) + Self.bytes("\"") + name + Self.bytes("\":" + other.value)
                }.joined() + Self.bytes("}")
            }
            #expect(CustomerItemFastPath.validItem(item(Array(member.name.utf8))) != nil, "\(member.name)")
            for position in 0..<member.name.utf8.count {
                var key = Array(member.name.utf8)
                key[position] ^= 0x20  // the same letter in the other case
                #expect(CustomerItemFastPath.validItem(item(key)) == nil, "\(String(decoding: key, as: UTF8.self))")
                Self.expectAgreement(item(key))
            }
        }
    }

    @Test("a byte outside a pattern, or an escape, is found at every position of strings up to 40 bytes")
    func patternMismatchAtEveryPosition() {
        for length in 1...40 {
            let valid = String(repeating: "a", count: length)
            #expect(CustomerItemFastPath.validItem(Self.bytes(#"{"externalConversationId":"\#(valid)","externalCustomerId":"d"}"#)) != nil)
            for position in 0..<length {
                // As JSON text: `\u0041` is an escaped "A", valid for the pattern but read only by the general path.
                for bad in [" ", ".", "\u{7F}", "é", #"\u0041"#] {
                    let text = String(repeating: "a", count: position) + bad + String(repeating: "a", count: length - position - 1)
                    let item = Self.bytes(#"{"externalConversationId":"\#(text)","externalCustomerId":"d"}"#)
                    #expect(CustomerItemFastPath.validItem(item) == nil, "\(text)")
                    Self.expectAgreement(item)
                }
            }
        }
    }

    @Test("20,000 mutations of email addresses: whenever the fast path takes one, it is a valid mailbox")
    func emailMutationsNeverDisagree() {
        var mutator = ByteMutator(seed: 0xE4A1_1, interesting: Array(#".@-_+!#a0[]:"#.utf8) + [0x20, 0x7F])
        let seeds = ["jdoe@example.com", "first.last+tag@mail-1.example.co", "a@b", "x_y{z}@[127.0.0.1]",
                     "o'brien@" + String(repeating: "l", count: 63) + ".io"].map { Array($0.utf8) }
        var taken = 0
        for round in 0..<20_000 {
            let address = mutator.mutate(seeds[round % seeds.count])
            let item = Self.bytes(#"{"externalConversationId":"c","externalCustomerId":"d","emailAddress":""#) + address + Self.bytes(#""}"#)
            if CustomerItemFastPath.validItem(item) != nil {
                taken += 1
                #expect(EmailAddressFormat.isValid(String(decoding: address, as: UTF8.self)), "\(String(decoding: address, as: UTF8.self))")
            }
            Self.expectAgreement(item, "(round \(round))")
        }
        #expect(taken > 1_000)
    }

    @Test("mailboxes at the edges of the common form", arguments: [
        ("a@b", true), ("a.b.c@d.e", true), ("a..b@c", false), (".a@b", false), ("a.@b", false), ("a@-b", false),
        ("a@b-", false), ("a@b..c", false), ("a@b.", false), ("a@", false), ("@b", false), ("a@b@c", false),
        ("a@" + String(repeating: "x", count: 63), true), ("a@" + String(repeating: "x", count: 64), false),
        ("!#$%&'*+-/=?^_`{|}~@x", true), ("a@[1.2.3.4]", true), ("a b@c", false),
    ])
    func mailboxEdges(_ address: String, _ valid: Bool) {
        let item = Self.bytes(#"{"externalConversationId":"c","externalCustomerId":"d","emailAddress":"\#(address)"}"#)
        #expect((CustomerItemFastPath.validItem(item) != nil) == valid)
        #expect(EmailAddressFormat.isValid(address) == valid)
    }

    @Test("attribute strings must be well-formed UTF-8 within their length limits")
    func attributeStrings() {
        func item(_ attribute: [UInt8]) -> [UInt8] {
            Self.bytes(#"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{"value":""#) + attribute + Self.bytes(#""}]}"#)
        }
        #expect(CustomerItemFastPath.validItem(item([0xC3, 0xA9])) != nil)  // é
        #expect(CustomerItemFastPath.validItem(item([0xC3])) == nil)  // truncated sequence
        #expect(CustomerItemFastPath.validItem(item([0xED, 0xA0, 0x80])) == nil)  // surrogate
        #expect(CustomerItemFastPath.validItem(item([0xC0, 0xAF])) == nil)  // overlong
        // 1024 code points of two bytes each fit; 1025 do not.
        #expect(CustomerItemFastPath.validItem(item(Array([[UInt8]](repeating: [0xC3, 0xA9], count: 1024).joined()))) != nil)
        #expect(CustomerItemFastPath.validItem(item(Array([[UInt8]](repeating: [0xC3, 0xA9], count: 1025).joined()))) == nil)
        for bytes in [[0xC3, 0xA9], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80]] as [[UInt8]] {
            Self.expectAgreement(item(bytes))
        }
    }

    @Test("the nesting limit is respected like the parser's")
    func nestingLimit() {
        let withAttributes = Self.bytes(#"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{}]}"#)
        let withEmptyArray = Self.bytes(#"{"externalConversationId":"c","externalCustomerId":"d","attributes":[]}"#)
        #expect(CustomerItemFastPath.validItem(withAttributes, maxDepth: 3) != nil)
        #expect(CustomerItemFastPath.validItem(withAttributes, maxDepth: 2) == nil)
        #expect(CustomerItemFastPath.validItem(withEmptyArray, maxDepth: 2) != nil)
        #expect(CustomerItemFastPath.validItem(withEmptyArray, maxDepth: 1) == nil)
        #expect(CustomerItemFastPath.validItem(Self.bytes(Self.minimal), maxDepth: 0) == nil)
        for depth in 0...4 {
            Self.expectAgreement(withAttributes, maxDepth: depth)
            Self.expectAgreement(withEmptyArray, maxDepth: depth)
        }
    }

    @Test("20,000 mutations of valid items: whenever the fast path says valid, so does the general path")
    func mutationsNeverDisagree() {
        var mutator = ByteMutator(
            seed: 0x5EED_F00D, interesting: Array(#""\{}[],: n0a.@-_+()"#.utf8) + [0x00, 0x09, 0x0A, 0x7F, 0x80, 0xC3, 0xA9, 0xED, 0xFF],
            duplicatesRuns: true)
        let seeds: [[UInt8]] = (0..<20).map { SampleCustomerEvents.value(index: $0, kind: .valid) } + [
            Self.bytes(#"{"externalConversationId":"c","externalCustomerId":"d","attributes":[{"name":"é","value":"v"},{}],"eventId":null}"#),
            Self.bytes(#"{ "externalConversationId" : "c" , "externalCustomerId" : "d" , "emailAddress" : "\"q\"@x.y" }"#),
        ]
        var fastAccepted = 0
        for round in 0..<20_000 {
            let bytes = mutator.mutate(seeds[round % seeds.count])
            if CustomerItemFastPath.validItem(bytes) != nil { fastAccepted += 1 }
            Self.expectAgreement(bytes, "(round \(round))")
        }
        // Some mutants stay valid (a changed letter in a value): the comparison was exercised.
        #expect(fastAccepted > 100)
    }
}
