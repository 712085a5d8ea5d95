#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The common case in one pass: a scan of an item's bytes that checks, at once, that it is strict
/// JSON and that it satisfies the item schema, without building a `JSONValue` tree (which costs
/// an allocation per key and per value, and then as many frees).
///
/// It accepts a deliberately narrow shape: an object whose members are the schema's own
/// properties, each at most once; string values without escape sequences; `null` where the schema
/// allows it (except for `eventId`, whose `null` the sink replaces by re-encoding the item); and
/// `attributes` as `null` or an array of objects with `name`/`value` strings. Anything else,
/// valid or not (unknown properties, escapes, numbers, any violation), returns nil: the caller
/// then takes the general path, `JSONParser` and `CustomerMetadataValidator`, which also write
/// the error messages. So this type can only make the sink faster, never change a verdict: it
/// answers "valid" only for items the general path also finds valid, which its tests check.
public enum CustomerItemFastPath {
    public struct ValidItem: Sendable, Equatable {
        /// The item's `eventId`; nil when the item has none.
        public let eventId: String?
    }

    /// What `check` tells about a valid item, without copying anything out of it.
    public struct Check: Sendable, Equatable {
        /// Whether the item has a string `eventId`.
        public let hasEventId: Bool
    }

    /// `ValidItem` when `bytes` is, in the narrow shape above, a valid item; nil otherwise.
    /// `maxDepth` is the parser's nesting limit, which the fast path respects too.
    public static func validItem(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> ValidItem? {
        bytes.withUnsafeBufferPointer { buffer in
            scan(buffer, maxDepth: maxDepth) { eventId in
                ValidItem(eventId: eventId.map { String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self) })
            }
        }
    }

    /// The same verdict as `validItem`, without making the eventId a `String`: the sink checks
    /// every record but needs an item's own eventId only for the rare dead letter, and a string
    /// of 36 bytes is an allocation (and a free) per record.
    public static func check(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> Check? {
        bytes.withUnsafeBufferPointer { check($0, maxDepth: maxDepth) }
    }

    /// `check` of bytes in place (a consumed message's value, still in librdkafka's buffer).
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONParser.defaultMaxDepth) -> Check? {
        scan(bytes, maxDepth: maxDepth) { eventId in Check(hasEventId: eventId != nil) }
    }

    /// One scan of `bytes`; for a valid item, `result` of its eventId's range.
    private static func scan<Result>(
        _ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, _ result: (Range<Int>?) -> Result
    ) -> Result? {
        var scanner = Scanner(bytes: bytes, maxDepth: maxDepth)
        return scanner.item().map(result)
    }

    /// What the scan checks for each of the ten string properties, as plain values (reading the
    /// schema's `StringField`s would retain and release their strings on every record).
    struct StringRule {
        let low: UInt64
        let high: UInt64
        let hasPattern: Bool
        let maxLength: Int
        let nullable: Bool
        let email: Bool
    }

    static let rules: [StringRule] = CustomerMetadataSchema.stringFields.map { field in
        StringRule(
            low: field.pattern?.low ?? 0, high: field.pattern?.high ?? 0, hasPattern: field.pattern != nil,
            maxLength: field.maxLength ?? Int.max, nullable: field.nullable, email: field.emailFormat)
    }

    /// Property names as bytes, in slot order (`CustomerMetadataSchema.slot(of:)`).
    static let names: [[UInt8]] = [
        "externalConversationId", "externalCustomerId", "eventId", "status", "phoneNumber", "emailAddress",
        "userId", "addressCountry", "addressState", "addressZipcode", "attributes",
    ].map { Array($0.utf8) }

    static let eventIdSlot = 2
    static let attributesSlot = 10

    static let keyBit: UInt16 = 1 << 15
    /// RFC 5322's atext, and RFC 5321's letters, digits and hyphen (for `Scanner.isPlainMailbox`).
    static let atextBit: UInt16 = 1 << 13
    static let letterDigitHyphenBit: UInt16 = 1 << 14
    /// Printable ASCII other than the quote and the backslash: attribute strings of the common form.
    static let printableBit: UInt16 = 1 << 12

    static let memberStride = 32

    /// The scan's tables, built once and read through one static: every static read is a
    /// lazy-initialiser check (`swift_once`), and the scan runs once per record. They live as
    /// long as the process, like any static.
    struct Tables: @unchecked Sendable {
        /// `rules`, as a pointer (no retain, no bounds check per value).
        let rules: UnsafePointer<StringRule>
        /// Bit `slot` of entry `byte`: whether `byte` is in the pattern of string property
        /// `slot`. `keyBit`: whether it occurs in a property name; `atextBit` and
        /// `letterDigitHyphenBit`: the classes of the common mailbox form; `printableBit`: any
        /// byte of these ranges. No bit is ever set for a quote, a backslash, a control character
        /// or a byte of 0x80 and above, so a run of set bits always stays inside a string without
        /// escapes, and the byte that ends it tells the string's end (a quote) from anything
        /// else. One lookup per byte then finds the closing quote and tests the pattern at once.
        let byteClasses: UnsafePointer<UInt16>
        /// Each property as a member starts, `"<name>":`, in its own `memberStride` bytes
        /// (zero-padded), with its length in the last byte: compared by words
        /// (`Scanner.sameBytes`) instead of a call to `memcmp`. The name alone starts at offset 1.
        let members: UnsafePointer<UInt8>
        /// `names.count`, kept here: the scan tries the next property for every member.
        let propertyCount: Int

        static func make() -> Tables {
            let rules = UnsafeMutablePointer<StringRule>.allocate(capacity: CustomerItemFastPath.rules.count)
            rules.initialize(from: CustomerItemFastPath.rules, count: CustomerItemFastPath.rules.count)

            let classes = UnsafeMutablePointer<UInt16>.allocate(capacity: 256)
            classes.initialize(repeating: 0, count: 256)
            for byte in 0x20..<0x80 where byte != Int(UInt8(ascii: "\"")) && byte != Int(UInt8(ascii: "\\")) {
                for (slot, rule) in CustomerItemFastPath.rules.enumerated() where rule.hasPattern {
                    let mask = byte < 64 ? rule.low : rule.high
                    if mask >> UInt64(byte & 63) & 1 != 0 { classes[byte] |= 1 << UInt16(slot) }
                }
                if names.contains(where: { $0.contains(UInt8(byte)) }) { classes[byte] |= keyBit }
                classes[byte] |= printableBit
                if EmailAddressFormat.atext.contains(UInt8(byte)) { classes[byte] |= atextBit }
                if EmailAddressFormat.letterOrDigit.contains(UInt8(byte)) || byte == Int(UInt8(ascii: "-")) {
                    classes[byte] |= letterDigitHyphenBit
                }
            }

            let members = UnsafeMutablePointer<UInt8>.allocate(capacity: names.count * memberStride)
            members.initialize(repeating: 0, count: names.count * memberStride)
            for (slot, name) in names.enumerated() {
                let member = [UInt8(ascii: "\"")] + name + [UInt8(ascii: "\""), UInt8(ascii: ":")]
                precondition(member.count >= 9 && member.count <= 25, "members fit the comparison in sameBytes")
                for (offset, byte) in member.enumerated() { members[slot * memberStride + offset] = byte }
                members[slot * memberStride + memberStride - 1] = UInt8(member.count)
            }
            return Tables(
                rules: UnsafePointer(rules), byteClasses: UnsafePointer(classes), members: UnsafePointer(members),
                propertyCount: names.count)
        }
    }

    static let tables = Tables.make()

    struct Scanner: JSONByteScanning {
        let bytes: UnsafeBufferPointer<UInt8>
        let end: Int
        let maxDepth: Int
        var pos = 0
        // Read once per item: every access to a static goes through its lazy initialiser check.
        let tables = CustomerItemFastPath.tables

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.end = bytes.count
            self.maxDepth = maxDepth
        }

        /// For a valid item, the range of its eventId's content (`.some(nil)` when it has none);
        /// nil for anything else.
        mutating func item() -> Range<Int>?? {
            skipWhitespace()
            guard maxDepth >= 1, take(UInt8(ascii: "{")) else { return nil }
            skipWhitespace()
            var seen: UInt16 = 0
            var eventId: Range<Int>?
            // Producers write their properties in one order, most often the schema's: the
            // property after the last one is tried first, by comparing words, before the name is
            // read and looked up.
            var expected = 0
            // An empty object lacks the required properties.
            while true {
                let slot: Int
                if expected < tables.propertyCount, takeMember(expected) {
                    slot = expected
                } else {
                    guard let key = classString(CustomerItemFastPath.keyBit), let named = self.slot(of: key) else { return nil }
                    slot = named
                    skipWhitespace()
                    guard take(UInt8(ascii: ":")) else { return nil }
                }
                expected = slot + 1
                let bit: UInt16 = 1 << UInt16(slot)
                guard seen & bit == 0 else { return nil }
                seen |= bit
                skipWhitespace()
                if slot == CustomerItemFastPath.attributesSlot {
                    guard attributes() else { return nil }
                } else {
                    guard let value = stringValue(slot: slot) else { return nil }
                    if slot == CustomerItemFastPath.eventIdSlot {
                        guard let value else { return nil }  // null: the general path re-encodes it
                        eventId = value
                    }
                }
                guard let another = separatorOrClose(UInt8(ascii: "}")) else { return nil }
                if !another { break }
            }
            skipWhitespace()
            // Trailing bytes, or a required property missing.
            guard pos == end, seen & 0b11 == 0b11 else { return nil }
            return .some(eventId)
        }

        /// One of the ten string properties: the range of a valid string's content, `.some(nil)`
        /// for an allowed `null`, nil for anything else.
        mutating func stringValue(slot: Int) -> Range<Int>?? {
            let rule = tables.rules[slot]
            // A string is the common case: `null` is looked for only when no quote is there.
            if pos < end, bytes[pos] != UInt8(ascii: "\""), takeNull() { return rule.nullable ? .some(nil) : nil }
            let range: Range<Int>
            if rule.hasPattern {
                // A byte outside the class before the closing quote (an escape among them) is a
                // mismatch, or a string only the general path reads: nil either way.
                guard let content = classString(1 << UInt16(slot)), !content.isEmpty else { return nil }
                range = content
            } else {
                guard let content = quotedASCII() else { return nil }
                range = content
            }
            // ASCII only, so characters are bytes.
            guard range.count <= rule.maxLength else { return nil }
            if rule.email, !isPlainMailbox(range), EmailAddressFormat.invalidReason(utf8: UnsafeBufferPointer(rebasing: bytes[range])) != nil {
                return nil
            }
            return .some(range)
        }

        /// `null`, or an array of at most 10 objects with optional `name` (≤ 256 characters) and
        /// `value` (≤ 1024) strings and nothing else.
        mutating func attributes() -> Bool {
            if takeNull() { return true }
            guard maxDepth >= 2, take(UInt8(ascii: "[")) else { return false }
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return true }
            var count = 0
            while true {
                count += 1
                guard count <= CustomerMetadataSchema.attributesMaxItems, maxDepth >= 3, attribute() else { return false }
                guard let another = separatorOrClose(UInt8(ascii: "]")) else { return false }
                if !another { return true }
            }
        }

        mutating func attribute() -> Bool {
            guard take(UInt8(ascii: "{")) else { return false }
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return true }
            var seenName = false
            var seenValue = false
            while true {
                // `"name":` and `"value":` as written by most producers, compared as one word
                // each; otherwise the key is read.
                let keyIsName: Bool
                if !seenName, takeWord(Self.nameMember, count: 7) {
                    keyIsName = true
                } else if !seenValue, takeWord(Self.valueMember, count: 8) {
                    keyIsName = false
                } else {
                    guard let key = quotedASCII(), equals(key, Self.nameBytes) || equals(key, Self.valueBytes) else { return false }
                    keyIsName = key.count == 4
                    skipWhitespace()
                    guard take(UInt8(ascii: ":")) else { return false }
                }
                let limit: Int
                if keyIsName {
                    guard !seenName else { return false }
                    seenName = true
                    limit = CustomerMetadataSchema.attributeNameMaxLength
                } else {
                    guard !seenValue else { return false }
                    seenValue = true
                    limit = CustomerMetadataSchema.attributeValueMaxLength
                }
                skipWhitespace()
                // Printable ASCII, the common case, in one class run (a character per byte);
                // anything else, from the quote again, through the UTF-8 reader.
                let start = pos
                let characters: Int
                if let content = classString(CustomerItemFastPath.printableBit) {
                    characters = content.count
                } else {
                    pos = start
                    guard let string = plainQuotedString() else { return false }
                    characters = string.characters
                }
                guard characters <= limit else { return false }
                guard let another = separatorOrClose(UInt8(ascii: "}")) else { return false }
                if !another { return true }
            }
        }

        /// A string of printable ASCII without escapes, at `pos`: its content's range.
        mutating func quotedASCII() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = pos
            pos = PlainASCIIRun.end(in: bytes, from: pos, to: end)
            guard pos < end, bytes[pos] == UInt8(ascii: "\"") else { return nil }
            pos += 1
            return start..<(pos - 1)
        }

        /// A string at `pos` whose bytes all have `bit` in `Tables.byteClasses`: its content's
        /// range. Nil when another byte comes before the closing quote.
        mutating func classString(_ bit: UInt16) -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = pos
            var index = pos
            let base = bytes.baseAddress!
            let classes = tables.byteClasses
            // Eight bytes per test while the run lasts, so that a string costs one mispredicted
            // branch (its end) rather than one per byte.
            while index + 8 <= end {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                var all = classes[Int(word & 0xFF)] & classes[Int(word >> 8 & 0xFF)]
                all &= classes[Int(word >> 16 & 0xFF)] & classes[Int(word >> 24 & 0xFF)]
                all &= classes[Int(word >> 32 & 0xFF)] & classes[Int(word >> 40 & 0xFF)]
                all &= classes[Int(word >> 48 & 0xFF)] & classes[Int(word >> 56)]
                guard all & bit != 0 else { break }
                index += 8
            }
            while index < end, classes[Int(base[index])] & bit != 0 { index += 1 }
            guard index < end, base[index] == UInt8(ascii: "\"") else { return nil }
            pos = index + 1
            return start..<index
        }

        /// The slot of the property named by the bytes in `key` (see `names`); nil for a name the
        /// schema does not have.
        func slot(of key: Range<Int>) -> Int? {
            // The length narrows the eleven names down to one or two.
            let candidates: (Int, Int)
            switch key.count {
            case 22: candidates = (0, -1)
            case 18: candidates = (1, -1)
            case 7: candidates = (2, -1)
            case 6: candidates = (3, 6)
            case 11: candidates = (4, -1)
            case 12: candidates = (5, 8)
            case 14: candidates = (7, 9)
            case 10: candidates = (10, -1)
            default: return nil
            }
            if isName(key, slot: candidates.0) { return candidates.0 }
            if candidates.1 >= 0, isName(key, slot: candidates.1) { return candidates.1 }
            return nil
        }

        /// Whether `"<name of slot>":` is at `pos`; if so, moves past it.
        @inline(__always)
        mutating func takeMember(_ slot: Int) -> Bool {
            let member = tables.members + slot * CustomerItemFastPath.memberStride
            let count = Int(member[CustomerItemFastPath.memberStride - 1])
            guard pos + count <= end, Self.sameBytes(bytes.baseAddress! + pos, member, count: count) else { return false }
            pos += count
            return true
        }

        /// Whether `key` (of the length of the name in `slot`, which the caller checked) holds
        /// that name.
        @inline(__always)
        func isName(_ key: Range<Int>, slot: Int) -> Bool {
            Self.sameBytes(bytes.baseAddress! + key.lowerBound, tables.members + slot * CustomerItemFastPath.memberStride + 1, count: key.count)
        }

        /// Whether `count` bytes (4 to 32) are equal at `a` and `b`, by overlapping words that
        /// stay within those bytes: at 0, 8 and 16 as far as they fit and one ending at the last
        /// byte, or two half-words for fewer than 8.
        @inline(__always)
        static func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
            let a = UnsafeRawPointer(a)
            let b = UnsafeRawPointer(b)
            guard count >= 8 else {
                return (a.loadUnaligned(as: UInt32.self) ^ b.loadUnaligned(as: UInt32.self))
                    | (a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) ^ b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) == 0
            }
            var difference = (a.loadUnaligned(as: UInt64.self) ^ b.loadUnaligned(as: UInt64.self))
                | (a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            if count > 16 {
                difference |= a.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            }
            if count > 24 {
                difference |= a.loadUnaligned(fromByteOffset: 16, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            }
            return difference == 0
        }

        static let nameBytes: StaticString = "name"
        static let valueBytes: StaticString = "value"
        /// `"name":` and `"value":` as little-endian words (literals, so that reading them costs
        /// no lazy initialiser check).
        static let nameMember: UInt64 = 0x3A22_656D_616E_22
        static let valueMember: UInt64 = 0x3A22_6575_6C61_7622

        /// Whether the `count` (at most 8) bytes at `pos` are those of `expected`; if so, moves
        /// past them. Only where eight bytes can be read.
        @inline(__always)
        mutating func takeWord(_ expected: UInt64, count: Int) -> Bool {
            guard pos + 8 <= end else { return false }
            let word = UnsafeRawPointer(bytes.baseAddress! + pos).loadUnaligned(as: UInt64.self)
            let mask: UInt64 = count == 8 ? ~0 : (1 << UInt64(count * 8)) - 1
            guard word & mask == expected else { return false }
            pos += count
            return true
        }

        /// Whether the bytes in `range` are a mailbox of the common form, a Dot-string local part
        /// and a domain of letter-digit-hyphen labels, each of 1 to 63 characters: true only where
        /// `EmailAddressFormat` finds the address valid (which answers for everything else).
        func isPlainMailbox(_ range: Range<Int>) -> Bool {
            let base = bytes.baseAddress!
            let classes = tables.byteClasses
            let end = range.upperBound
            var index = range.lowerBound
            // Atoms of atext, joined by single dots, up to the `@`.
            while true {
                let atom = index
                while index < end, classes[Int(base[index])] & CustomerItemFastPath.atextBit != 0 { index += 1 }
                guard index > atom, index < end else { return false }
                if base[index] == UInt8(ascii: ".") {
                    index += 1
                    continue
                }
                guard base[index] == UInt8(ascii: "@") else { return false }
                index += 1
                break
            }
            // Labels, joined by single dots, to the end.
            while true {
                let label = index
                while index < end, classes[Int(base[index])] & CustomerItemFastPath.letterDigitHyphenBit != 0 { index += 1 }
                guard index > label, index - label <= 63,
                      base[label] != UInt8(ascii: "-"), base[index - 1] != UInt8(ascii: "-")
                else { return false }
                if index == end { return true }
                guard base[index] == UInt8(ascii: ".") else { return false }
                index += 1
            }
        }
    }
}
