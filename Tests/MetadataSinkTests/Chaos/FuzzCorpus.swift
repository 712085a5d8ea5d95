import IngestionAPI
import TestSupport

/// Hostile record values for the fuzz scenario, generated from a seed: every one must be
/// dead-lettered with an error that says what is wrong, and none may crash the sink or make it
/// grow. Most are near-misses of real events (which carry emails and phones, so the log check
/// also covers what the sink says about bad records).
enum FuzzCorpus {
    enum Category: String, CaseIterable, Sendable {
        case randomBytes
        case truncatedJSON
        case wrongTypes
        case hugeNumbers
        case deepNesting
        case controlCharacters
        case invalidUTF8
        case loneSurrogates
        case duplicateKeys
        case trailingGarbage

        /// Whether a dead letter's `dlq.error` is the right one for a value of this category.
        func fits(_ error: String) -> Bool {
            switch self {
            case .randomBytes: !error.isEmpty
            case .truncatedJSON, .trailingGarbage: error.hasPrefix("invalid JSON at byte")
            case .wrongTypes: error.contains("expected type")
            case .hugeNumbers: error.contains("number")
            case .deepNesting: error.contains("nesting deeper than")
            case .controlCharacters: error.contains("control character") || error.contains("externalCustomerId: ")
            case .invalidUTF8: error.contains("invalid UTF-8")
            case .loneSurrogates: error.contains("lone surrogate")
            case .duplicateKeys: error.contains("duplicate key")
            }
        }
    }

    struct Case: Sendable {
        var category: Category
        var key: [UInt8]
        var value: [UInt8]
    }

    /// librdkafka's default partitioner (`consistent_random`): the CRC-32 of the key modulo the
    /// partition count. The dead-letter producer keeps the record's key, so this tells which DLQ
    /// partition a record's dead letter goes to.
    static func defaultPartition(key: [UInt8], partitions: Int32) -> Int32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in key {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return Int32((crc ^ 0xFFFF_FFFF) % UInt32(partitions))
    }

    /// The first key `<prefix>`, `<prefix>-1`, `<prefix>-2`… whose dead letter goes (or does not
    /// go) to `partition` of a DLQ with `partitions` partitions.
    static func key(_ prefix: String, dlqPartition partition: Int32, of partitions: Int32, avoid: Bool) -> [UInt8] {
        var attempt = 0
        while true {
            let key = Array((attempt == 0 ? prefix : "\(prefix)-\(attempt)").utf8)
            if (defaultPartition(key: key, partitions: partitions) == partition) != avoid { return key }
            attempt += 1
        }
    }

    /// `count` cases, the categories in turn; deep nesting, the largest, one time in forty, at
    /// random (a fixed stride would pile them onto the same partitions). Keys keep every dead
    /// letter off DLQ partition `reserved` of `dlqPartitions`.
    static func make(count: Int, dlqPartitions: Int32, reserved: Int32, using random: inout SplitMix64) -> [Case] {
        let common = Category.allCases.filter { $0 != .deepNesting }
        return (0..<count).map { index in
            let category = Int.random(in: 0..<40, using: &random) == 0 ? .deepNesting : common[index % common.count]
            return Case(
                category: category, key: key("fuzz-\(index)", dlqPartition: reserved, of: dlqPartitions, avoid: true),
                value: value(category, index: index, using: &random))
        }
    }

    private static let stringFields = [
        "externalConversationId", "externalCustomerId", "eventId", "status", "phoneNumber", "emailAddress",
        "userId", "addressCountry", "addressState", "addressZipcode",
    ]

    private static func event(_ index: Int) -> [UInt8] {
        SampleCustomerEvents.value(index: index, kind: .valid)
    }

    /// A real event with `field`'s value replaced by `replacement` (raw JSON text or bytes).
    private static func event(_ index: Int, replacing field: String, with replacement: [UInt8]) -> [UInt8] {
        let prefix = Array(#"{"externalConversationId":"conv-\#(index)","externalCustomerId":"customer-\#(index)","#.utf8)
        // Contact fields after the replaced one, without repeating it (that would be a duplicate key).
        var contact: [String] = []
        if field != "emailAddress" { contact.append(#""emailAddress":"user\#(index)@example.com""#) }
        if field != "phoneNumber" { contact.append(#""phoneNumber":"(555)555-0100""#) }
        let rest = Array((contact.joined(separator: ",") + "}").utf8)
        switch field {
        case "externalConversationId":
            return Array(#"{"externalConversationId":"#.utf8) + replacement
                + Array(#","externalCustomerId":"customer-\#(index)","emailAddress":"user\#(index)@example.com"}"#.utf8)
        case "externalCustomerId":
            return Array(#"{"externalConversationId":"conv-\#(index)","externalCustomerId":"#.utf8) + replacement
                + Array(#","emailAddress":"user\#(index)@example.com"}"#.utf8)
        default:
            return prefix + Array(#""\#(field)":"#.utf8) + replacement + Array(",".utf8) + rest
        }
    }

    private static func value(_ category: Category, index: Int, using random: inout SplitMix64) -> [UInt8] {
        switch category {
        case .randomBytes:
            return (0..<Int.random(in: 1...160, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case .truncatedJSON:
            let whole = event(index)
            return Array(whole[..<Int.random(in: 1..<whole.count, using: &random)])
        case .wrongTypes:
            let wrong = ["42", "-1.5e3", "true", "false", "[\"a\",\"b\"]", "{\"nested\":\"object\"}", "[]", "{}"]
            let field = (stringFields + ["attributes"]).randomElement(using: &random)!
            let replacement = field == "attributes" ? ["\"not-a-list\"", "7", "{}", "true"].randomElement(using: &random)! : wrong.randomElement(using: &random)!
            return event(index, replacing: field, with: Array(replacement.utf8))
        case .hugeNumbers:
            let digits = String((0..<Int.random(in: 100...600, using: &random)).map { _ in Character(String(Int.random(in: 1...9, using: &random))) })
            let numbers = ["1e999999999", "-9.99e-999999", digits, "-\(digits).\(digits)e\(digits)"]
            let number = numbers.randomElement(using: &random)!
            // Half as the whole value, half in a field.
            return Bool.random(using: &random)
                ? Array(number.utf8)
                : event(index, replacing: stringFields.randomElement(using: &random)!, with: Array(number.utf8))
        case .deepNesting:
            let depth = Int.random(in: 513...2000, using: &random)
            let (open, close): (String, String) = Bool.random(using: &random) ? ("[", "]") : (#"{"a":"#, "}")
            let nested = Array(String(repeating: open, count: depth).utf8) + Array("1".utf8) + Array(String(repeating: close, count: depth).utf8)
            return Bool.random(using: &random) ? nested : event(index, replacing: "externalCustomerId", with: nested)
        case .controlCharacters:
            let control = UInt8.random(in: 0...0x1F, using: &random)
            if Bool.random(using: &random) {
                // Raw in a string: not JSON.
                return event(index, replacing: "externalCustomerId", with: Array("\"cust".utf8) + [control] + Array("omer\"".utf8))
            }
            // Escaped: JSON, but the identifier pattern refuses it.
            let escaped = "\\u00" + String(control, radix: 16).leftPadded(to: 2)
            return event(index, replacing: "externalCustomerId", with: Array("\"cust\(escaped)omer-\(index)\"".utf8))
        case .invalidUTF8:
            let bad: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82]]
            return event(index, replacing: stringFields.randomElement(using: &random)!, with: Array("\"ab".utf8) + bad.randomElement(using: &random)! + Array("cd\"".utf8))
        case .loneSurrogates:
            let surrogate = ["\\ud800", "\\udfff", "\\udbff\\u0041", "x\\udc00"].randomElement(using: &random)!
            return event(index, replacing: stringFields.randomElement(using: &random)!, with: Array("\"\(surrogate)\"".utf8))
        case .duplicateKeys:
            let whole = event(index)
            return Array(#"{"externalCustomerId":"first-\#(index)","#.utf8) + whole.dropFirst()
        case .trailingGarbage:
            let garbage = ["x", "}", ",", "{}", "\u{0}", " null", "]"].randomElement(using: &random)!
            return event(index) + Array(garbage.utf8)
        }
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
