import Testing
import IngestionAPI

/// One row of the validator table: an item and the (field, rule) pairs it must produce, in order.
struct ValidatorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let item: JSONValue
    let expected: [Expectation]

    struct Expectation: Sendable, Equatable, CustomStringConvertible {
        let field: String
        let rule: String
        var description: String { "\(field) \(rule)" }
    }

    var testDescription: String { name }

    init(_ name: String, _ item: JSONValue, _ expected: [(String, String)] = []) {
        self.name = name
        self.item = item
        self.expected = expected.map { Expectation(field: $0.0, rule: $0.1) }
    }

    static let base: JSONObject = ["externalConversationId": "conv-1", "externalCustomerId": "cust-1"]

    /// The minimal valid item with `key` set to `value`.
    static func with(_ key: String, _ value: JSONValue) -> JSONValue {
        var object = base
        object[key] = value
        return .object(object)
    }

    /// The minimal valid item without `key`.
    static func without(_ key: String) -> JSONValue {
        var object = base
        object[key] = nil
        return .object(object)
    }

    static func string(_ unit: String, _ count: Int) -> JSONValue {
        .string(String(repeating: unit, count: count))
    }

    static func attributes(_ count: Int) -> JSONValue {
        .array((0..<count).map { ["name": .string("n\($0)"), "value": .string("v\($0)")] })
    }
}

extension ValidatorCase {
    static let identifierFields = ["externalConversationId", "eventId", "status", "userId", "addressCountry", "addressState", "addressZipcode"]

    static let maxLengths: [(String, Int, String)] = [
        ("externalConversationId", 256, "a"),
        ("externalCustomerId", 256, "a"),
        ("eventId", 256, "a"),
        ("status", 256, "a"),
        ("phoneNumber", 32, "1"),
        ("userId", 256, "a"),
        ("addressCountry", 128, "a"),
        ("addressState", 128, "a"),
        ("addressZipcode", 16, "0"),
    ]

    static let maxLengthCases: [ValidatorCase] = maxLengths.flatMap { field, limit, unit in
        [
            ValidatorCase("\(field) at maxLength \(limit)", with(field, string(unit, limit))),
            ValidatorCase("\(field) at maxLength \(limit) + 1", with(field, string(unit, limit + 1)), [(field, "maxLength")]),
        ]
    } + [
        ValidatorCase("attribute name at 256", with("attributes", [["name": string("n", 256), "value": "v"]])),
        ValidatorCase("attribute name at 257", with("attributes", [["name": string("n", 257), "value": "v"]]), [("attributes[0].name", "maxLength")]),
        ValidatorCase("attribute value at 1024", with("attributes", [["name": "n", "value": string("v", 1024)]])),
        ValidatorCase("attribute value at 1025", with("attributes", [["name": "n", "value": string("v", 1025)]]), [("attributes[0].value", "maxLength")]),
        // maxLength counts code points: "é" is 2 bytes, "😀" 4 bytes, each one character.
        ValidatorCase("attribute name 256 × é", with("attributes", [["name": string("é", 256)]])),
        ValidatorCase("attribute name 257 × é", with("attributes", [["name": string("é", 257)]]), [("attributes[0].name", "maxLength")]),
        ValidatorCase("attribute value 1024 × 😀", with("attributes", [["value": string("😀", 1024)]])),
        ValidatorCase("attribute value 1025 × 😀", with("attributes", [["value": string("😀", 1025)]]), [("attributes[0].value", "maxLength")]),
        // Decomposed é is two code points (e + U+0301) although it is one grapheme.
        ValidatorCase("attribute name 128 × decomposed é", with("attributes", [["name": string("e\u{301}", 128)]])),
        ValidatorCase("attribute name 129 × decomposed é", with("attributes", [["name": string("e\u{301}", 129)]]), [("attributes[0].name", "maxLength")]),
        ValidatorCase("emailAddress has no maxLength", with("emailAddress", .string(String(repeating: "a", count: 300) + "@" + String(repeating: "b", count: 60) + ".example.com"))),
        // A pattern field over its limit with a bad character reports both problems.
        ValidatorCase("addressZipcode too long and non-ASCII", with("addressZipcode", string("é", 17)), [("addressZipcode", "pattern"), ("addressZipcode", "maxLength")]),
    ]

    static let patternCases: [ValidatorCase] = {
        var cases: [ValidatorCase] = []
        for field in identifierFields {
            for good in ["a", "Z", "0", "-", "_", "abc-DEF_123", "issue509"] {
                cases.append(ValidatorCase("\(field) allows \(good)", with(field, .string(good))))
            }
            for bad in ["", ".", "@", "a.b", "a@b", " ", "a b", "é", "a\n", "\na", "a/b", "+1", "a\u{0}"] {
                cases.append(ValidatorCase("\(field) refuses \(bad.debugDescription)", with(field, .string(bad)), [(field, "pattern")]))
            }
        }
        for good in ["a", "555.555.0100-jdoe@example.com", "a.b@c-d_e", "@", ".", "A_9"] {
            cases.append(ValidatorCase("externalCustomerId allows \(good)", with("externalCustomerId", .string(good))))
        }
        for bad in ["", " ", "a b", "+1", "é", "a\n", "a/b", "a#b", "(1)"] {
            cases.append(ValidatorCase("externalCustomerId refuses \(bad.debugDescription)", with("externalCustomerId", .string(bad)), [("externalCustomerId", "pattern")]))
        }
        for good in ["(555)555-0100", "+1.555.555.0100", "0", "()", "-", ".", "+"] {
            cases.append(ValidatorCase("phoneNumber allows \(good)", with("phoneNumber", .string(good))))
        }
        for bad in ["", "555a", "555 555", "1\n", "#1", "x", "١٢٣", "555_0100", "555/0100"] {
            cases.append(ValidatorCase("phoneNumber refuses \(bad.debugDescription)", with("phoneNumber", .string(bad)), [("phoneNumber", "pattern")]))
        }
        // Attribute names and values have no pattern.
        cases.append(ValidatorCase("attribute name and value have no pattern", with("attributes", [["name": "any thing: é\n", "value": ""]])))
        return cases
    }()

    static let validEmails = [
        "a@b.co", "first.last+tag@example.com", "\"quoted local\"@example.com", "x@[127.0.0.1]",
        "jdoe@example.com", "user@localhost", "o'brien@example.ie", "a!#$%&'*+-/=?^_`{|}~@example.com",
        "\"a\\\"b\"@example.com", "\"\"@example.com", "a@b-c.d-e.f", "a@1.2.3.4", "a@xn--bcher-kva.example",
        "x@[IPv6:2001:db8::1]", "x@[IPv6:::1]", "x@[IPv6:1:2:3:4:5:6:7:8]", "x@[IPv6:::ffff:192.0.2.1]",
        "x@[IPv6:1:2:3:4:5:6:192.0.2.1]", "a@" + String(repeating: "l", count: 63) + ".com",
    ]

    static let invalidEmails = [
        "", "plainaddress", "a@b@c.com", ".a@b.com", "a.@b.com", "a..b@c.com", "a@", "@b.com",
        "a@b..com", "a@.b.com", "a@b.com.", "a@-b.com", "a@b-.com", "a b@c.com", "a@b c.com", " a@b.com",
        "a@b.com ", "a@b_c.com", "é@b.com", "a@bé.com", "\"unterminated@b.com", "\"a\"b@c.com", "a(b)@c.com",
        "a@[127.0.0.256]", "a@[127.0.0]", "a@[127.0.0.1", "a@[IPv6:1::2::3]", "a@[IPv6:1:2:3:4:5:6:7]",
        "a@[IPv6:1:2:3:4:5:6:7::]", "a@[IPv6:12345::]", "a@[tag:content]", "John <a@b.com>",
        "a@" + String(repeating: "l", count: 64) + ".com", "\"a\nb\"@c.com", "a\n@b.com",
    ]

    static let emailCases: [ValidatorCase] =
        validEmails.map { ValidatorCase("email valid \($0.debugDescription)", with("emailAddress", .string($0))) }
        + invalidEmails.map { ValidatorCase("email invalid \($0.debugDescription)", with("emailAddress", .string($0)), [("emailAddress", "format")]) }

    static let nullableFields = ["eventId", "status", "phoneNumber", "emailAddress", "userId", "addressCountry", "addressState", "addressZipcode", "attributes"]

    static let structureCases: [ValidatorCase] = {
        var cases: [ValidatorCase] = [
            ValidatorCase("minimal item", .object(base)),
            ValidatorCase("spec example item", [
                "externalConversationId": "id-509", "externalCustomerId": "555.555.0100-jdoe@example.com",
                "eventId": "eventId-1938", "status": "new", "phoneNumber": "(555)555-0100",
                "emailAddress": "jdoe@example.com", "userId": "user908038", "addressCountry": "United-States",
                "addressState": "New-York", "addressZipcode": "10001",
                "attributes": [["name": "attr1_name", "value": "attr1_value"], ["name": "attr2_name", "value": "attr2_value"]],
            ]),
            ValidatorCase("10 attributes", with("attributes", attributes(10))),
            ValidatorCase("11 attributes", with("attributes", attributes(11)), [("attributes", "maxItems")]),
            ValidatorCase("empty attributes", with("attributes", [])),
            ValidatorCase("attribute without name or value", with("attributes", [.object(JSONObject())])),
            ValidatorCase("attribute with extra members", with("attributes", [["name": "n", "value": "v", "type": 3]])),
            ValidatorCase("null attribute element", with("attributes", [.null]), [("attributes[0]", "nullable")]),
            ValidatorCase("string attribute element", with("attributes", ["name=value"]), [("attributes[0]", "type")]),
            ValidatorCase("null attribute name", with("attributes", [["name": .null, "value": "v"]]), [("attributes[0].name", "nullable")]),
            ValidatorCase("null attribute value", with("attributes", [["name": "n", "value": .null]]), [("attributes[0].value", "nullable")]),
            ValidatorCase("number attribute name", with("attributes", [["name": 1, "value": "v"]]), [("attributes[0].name", "type")]),
            ValidatorCase("bool attribute value", with("attributes", [["name": "n", "value": true]]), [("attributes[0].value", "type")]),
            ValidatorCase("attributes as object", with("attributes", ["name": "n", "value": "v"]), [("attributes", "type")]),
            ValidatorCase("attributes as string", with("attributes", "n=v"), [("attributes", "type")]),
            ValidatorCase("null externalConversationId", with("externalConversationId", .null), [("externalConversationId", "nullable")]),
            ValidatorCase("null externalCustomerId", with("externalCustomerId", .null), [("externalCustomerId", "nullable")]),
            ValidatorCase("missing externalConversationId", without("externalConversationId"), [("externalConversationId", "required")]),
            ValidatorCase("missing externalCustomerId", without("externalCustomerId"), [("externalCustomerId", "required")]),
            ValidatorCase("empty object", .object(JSONObject()), [("externalConversationId", "required"), ("externalCustomerId", "required")]),
            ValidatorCase("array item", [["externalConversationId": "c"]], [("", "type")]),
            ValidatorCase("string item", "conv-1", [("", "type")]),
            ValidatorCase("number item", 1, [("", "type")]),
            ValidatorCase("null item", .null, [("", "nullable")]),
            ValidatorCase("additional properties are allowed", [
                "externalConversationId": "c", "externalCustomerId": "d", "extra": 1, "nested": ["x": [1, .null]], "ExternalCustomerId": 5,
            ]),
            ValidatorCase("all violations are reported together, in schema order", [
                "attributes": .array([["name": 1], .null, ["value": string("v", 1025)]] + (0..<8).map { _ in JSONValue.object(JSONObject()) }),
                "addressZipcode": "10001-12345678901",
                "emailAddress": "not an email",
                "phoneNumber": "call me",
                "status": true,
                "externalCustomerId": .null,
                "extra": "ignored",
            ], [
                ("externalConversationId", "required"),
                ("externalCustomerId", "nullable"),
                ("status", "type"),
                ("phoneNumber", "pattern"),
                ("emailAddress", "format"),
                ("addressZipcode", "maxLength"),
                ("attributes", "maxItems"),
                ("attributes[0].name", "type"),
                ("attributes[1]", "nullable"),
                ("attributes[2].value", "maxLength"),
            ]),
        ]
        for field in nullableFields {
            cases.append(ValidatorCase("null \(field) is allowed", with(field, .null)))
        }
        let stringFields = ["externalConversationId", "externalCustomerId"] + nullableFields.dropLast()
        for field in stringFields {
            for (label, value) in [("number", JSONValue.number("5")), ("boolean", .bool(false)), ("array", ["a"]), ("object", ["a": "b"])] {
                cases.append(ValidatorCase("\(label) \(field)", with(field, value), [(field, "type")]))
            }
        }
        return cases
    }()

    static let all: [ValidatorCase] = maxLengthCases + patternCases + emailCases + structureCases
}

@Suite("CustomerMetadataValidator")
struct CustomerMetadataValidatorTests {
    @Test("schema rules", arguments: ValidatorCase.all)
    func schemaRules(_ testCase: ValidatorCase) {
        let violations = CustomerMetadataValidator.validate(testCase.item)
        let actual = violations.map { ValidatorCase.Expectation(field: $0.field, rule: $0.rule) }
        #expect(actual == testCase.expected, "\(violations)")
        #expect(CustomerMetadataValidator.isValid(testCase.item) == testCase.expected.isEmpty)
        for violation in violations {
            // Every description names the field (or the item) and the rule.
            #expect(violation.description.hasPrefix(violation.field.isEmpty ? "(item): " : "\(violation.field): "))
            #expect(violation.message.contains(violation.rule))
        }
    }

    @Test("descriptions read well")
    func descriptions() {
        let tooLong = CustomerMetadataValidator.validate(ValidatorCase.with("attributes", [
            .object(JSONObject()), .object(JSONObject()), .object(JSONObject()), ["name": ValidatorCase.string("x", 300)],
        ]))
        #expect(tooLong.map(\.description) == ["attributes[3].name: maxLength 256 exceeded (300 characters)"])

        let badCustomer = CustomerMetadataValidator.validate(ValidatorCase.with("externalCustomerId", "jdoe+x@example.com"))
        #expect(badCustomer.map(\.description) == [#"externalCustomerId: does not match pattern [a-zA-Z0-9\-\_\.\@]+ (character '+' at position 4)"#])

        let newline = CustomerMetadataValidator.validate(ValidatorCase.with("userId", "é-user\n"))
        #expect(newline.map(\.description) == [#"userId: does not match pattern [a-zA-Z0-9\-\_]+ (character U+00E9 at position 0)"#])

        let empty = CustomerMetadataValidator.validate(ValidatorCase.with("status", ""))
        #expect(empty.map(\.description) == [#"status: does not match pattern [a-zA-Z0-9\-\_]+ (empty string)"#])

        let notObject = CustomerMetadataValidator.validate([1])
        #expect(notObject.map(\.description) == ["(item): expected type object, got array"])

        let missing = CustomerMetadataValidator.validate(ValidatorCase.without("externalCustomerId"))
        #expect(missing.map(\.description) == ["externalCustomerId: required property is missing"])

        let email = CustomerMetadataValidator.validate(ValidatorCase.with("emailAddress", "a@-b.com"))
        #expect(email.map(\.description) == ["emailAddress: not a valid format email address: domain label starts with '-'"])
    }

    @Test("validating a parsed spec example end to end")
    func parsedExample() throws {
        let body = """
        {"items":[
          {"externalConversationId":"id-69221","externalCustomerId":"555.555.0191","attributes":null},
          {"externalConversationId":"id-69223","externalCustomerId":"555.555.0193"},
          {"externalConversationId":"id-69229","externalCustomerId":"zdoe@example.com","phoneNumber":null,"userId":null,"addressCountry":null}
        ]}
        """
        let items = try #require(try JSONParser.parse(body)["items"]?.arrayValue)
        #expect(items.count == 3)
        for item in items {
            #expect(CustomerMetadataValidator.validate(item) == [])
        }
    }
}
