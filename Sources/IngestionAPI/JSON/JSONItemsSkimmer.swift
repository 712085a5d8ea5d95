/// Strict JSON syntax without building values: the emulator's fast mode parses every request body
/// at a fraction of the cost of a `JSONValue` tree (an allocation per key and value, then as many
/// frees), which matters when the emulator shares the machine with the sink it serves.
///
/// It checks what `JSONParser` checks (UTF-8, escapes and surrogate pairs, number grammar,
/// nesting up to `maxDepth`, nothing after the value) except duplicate keys, and captures what a
/// many-customer-metadata answer needs: the byte range of each element of the root object's
/// `items` array, and where the `eventId` string of each element that is an object lies. It
/// returns nil for anything else (a syntax error, no `items` array at the root), so that the
/// caller can take the general path, which words the error.
struct JSONItemsSkimmer: JSONByteScanning {
    /// An item's string `eventId` as written: the bytes between its quotes, and whether they hold
    /// escape sequences. Without escapes, those bytes are the string's UTF-8, and also exactly
    /// what `JSONValue.serializeString` writes for it (a JSON string cannot hold a bare quote,
    /// backslash or control character), so an answer can copy them without making a `String`.
    struct EventID: Equatable {
        var content: Range<Int>
        var escaped: Bool

        /// The eventId as a `String`, decoding escape sequences.
        func string(in body: UnsafeBufferPointer<UInt8>) -> String? {
            guard escaped else { return String(decoding: UnsafeBufferPointer(rebasing: body[content]), as: UTF8.self) }
            let quoted = UnsafeBufferPointer(rebasing: body[(content.lowerBound - 1)..<(content.upperBound + 1)])
            return (try? JSONParser.parse(UnsafeRawBufferPointer(quoted)))?.stringValue
        }
    }

    struct Items: Equatable {
        var spans: [Range<Int>] = []
        /// Per item, its string `eventId`; nil for an item that is not an object or has none.
        var eventIds: [EventID?] = []

        /// The eventIds as strings, as the general parser reads them.
        func eventIdStrings(in body: [UInt8]) -> [String?] {
            body.withUnsafeBufferPointer { buffer in eventIds.map { $0?.string(in: buffer) } }
        }
    }

    static func skim(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> Items? {
        bytes.withUnsafeBufferPointer { buffer in
            var skimmer = JSONItemsSkimmer(bytes: buffer, maxDepth: maxDepth)
            return skimmer.document()
        }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    private let maxDepth: Int
    var pos = 0
    private var items = Items()

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.end = bytes.count
        self.maxDepth = maxDepth
    }

    // Recursive descent, one function per kind of container, with the nesting level passed down:
    // cheaper than one loop over an explicit stack of open containers, which paid an array access
    // and a few branches for every value. Recursion is bounded by `maxDepth`, as in `JSONParser`.

    /// The root object: its `items` member (exactly one) is read by `itemsArray`, any other
    /// member by `value`.
    private mutating func document() -> Items? {
        skipWhitespace()
        guard maxDepth >= 1, take(UInt8(ascii: "{")) else { return nil }
        skipWhitespace()
        var sawItems = false
        if !take(UInt8(ascii: "}")) {
            while true {
                guard let key = memberKey() else { return nil }
                if named(key, "items") {
                    // A second `items` is a duplicate key: the general path refuses it.
                    guard !sawItems, itemsArray() else { return nil }
                    sawItems = true
                } else {
                    guard value(level: 1) else { return nil }
                }
                guard let another = separatorOrClose(UInt8(ascii: "}")) else { return nil }
                if !another { break }
            }
        }
        skipWhitespace()
        return pos == end && sawItems ? items : nil
    }

    /// The root's `items` array (level 2): each element's span, and the eventId of each element
    /// that is an object. Anything but an array here is not the shape this reads.
    private mutating func itemsArray() -> Bool {
        guard maxDepth >= 2, take(UInt8(ascii: "[")) else { return false }
        skipWhitespace()
        if take(UInt8(ascii: "]")) { return true }
        while true {
            let start = pos
            var eventId: EventID?
            if pos < end, bytes[pos] == UInt8(ascii: "{") {
                guard element(eventId: &eventId) else { return false }
            } else {
                guard value(level: 2) else { return false }
            }
            items.spans.append(start..<pos)
            items.eventIds.append(eventId)
            guard let another = separatorOrClose(UInt8(ascii: "]")) else { return false }
            if !another { return true }
        }
    }

    /// An element of `items` that is an object (level 3), noting its string `eventId`.
    private mutating func element(eventId: inout EventID?) -> Bool {
        guard maxDepth >= 3 else { return false }
        pos += 1
        skipWhitespace()
        if take(UInt8(ascii: "}")) { return true }
        while true {
            guard let key = memberKey() else { return false }
            // The length first: `named` is a call, and most keys are not 7 characters long.
            if pos < end, bytes[pos] == UInt8(ascii: "\""), key.escaped || key.token.count == 9, named(key, "eventId") {
                let start = pos
                guard let escaped = string() else { return false }
                eventId = EventID(content: (start + 1)..<(pos - 1), escaped: escaped)
            } else {
                guard value(level: 3) else { return false }
            }
            guard let another = separatorOrClose(UInt8(ascii: "}")) else { return false }
            if !another { return true }
        }
    }

    /// Any value, inside a container at `level`; a container opened here is at `level + 1`.
    private mutating func value(level: Int) -> Bool {
        guard pos < end else { return false }
        switch bytes[pos] {
        case UInt8(ascii: "\""):
            return string() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // An object's members and an array's elements differ only in the key before each.
            let isObject = bytes[pos] == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            guard level < maxDepth else { return false }
            pos += 1
            skipWhitespace()
            if take(close) { return true }
            while true {
                if isObject { guard memberKey() != nil else { return false } }
                guard value(level: level + 1) else { return false }
                guard let another = separatorOrClose(close) else { return false }
                if !another { return true }
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number()
        case UInt8(ascii: "t"):
            return literal("true")
        case UInt8(ascii: "f"):
            return literal("false")
        case UInt8(ascii: "n"):
            return literal("null")
        default:
            return false
        }
    }

    /// `"key" :` and the whitespace after it: the key's token (quotes included) and whether it
    /// has escape sequences.
    @inline(__always)
    private mutating func memberKey() -> (token: Range<Int>, escaped: Bool)? {
        let start = pos
        guard pos < end, bytes[pos] == UInt8(ascii: "\""), let escaped = string() else { return nil }
        let token = start..<pos
        skipWhitespace()
        guard take(UInt8(ascii: ":")) else { return nil }
        skipWhitespace()
        return (token, escaped)
    }

    /// Whether a key's token names `expected` (static strings: no lazily initialised static to
    /// check per member of every item).
    private func named(_ key: (token: Range<Int>, escaped: Bool), _ expected: StaticString) -> Bool {
        if key.escaped {
            let decoded = (try? JSONParser.parse(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[key.token]))))?.stringValue
            return decoded == expected.description
        }
        return equals((key.token.lowerBound + 1)..<(key.token.upperBound - 1), expected)
    }

    /// A string at `pos`, validated; whether it has escape sequences, nil if it is not valid.
    @inline(__always)
    private mutating func string() -> Bool? {
        pos += 1
        var escapes = false
        while pos < end {
            pos = PlainASCIIRun.end(in: bytes, from: pos, to: end)
            guard pos < end else { break }
            let byte = bytes[pos]
            if byte == UInt8(ascii: "\"") {
                pos += 1
                return escapes
            } else if byte == UInt8(ascii: "\\") {
                escapes = true
                guard escape() else { return nil }
            } else if byte < 0x20 {
                return nil
            } else if byte < 0x80 {
                pos += 1
            } else {
                guard let length = UTF8Sequence.length(in: bytes, at: pos) else { return nil }
                pos += length
            }
        }
        return nil
    }

    /// One escape sequence at the backslash; a `\u` high surrogate must be followed by a low one.
    private mutating func escape() -> Bool {
        pos += 1
        guard pos < end else { return false }
        let byte = bytes[pos]
        pos += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        case UInt8(ascii: "u"):
            guard let unit = hex4() else { return false }
            if (0xD800...0xDBFF).contains(unit) {
                guard pos + 1 < end, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else { return false }
                pos += 2
                guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return false }
                return true
            }
            return !(0xDC00...0xDFFF).contains(unit)
        default:
            return false
        }
    }

    private mutating func hex4() -> UInt16? {
        guard pos + 4 <= end else { return nil }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[pos]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
            pos += 1
        }
        return value
    }

    /// RFC 8259's number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number() -> Bool {
        _ = take(UInt8(ascii: "-"))
        guard pos < end, isDigit(bytes[pos]) else { return false }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < end, isDigit(bytes[pos]) { return false }
        } else {
            skipDigits()
        }
        if take(UInt8(ascii: ".")) {
            guard pos < end, isDigit(bytes[pos]) else { return false }
            skipDigits()
        }
        if pos < end, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < end, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < end, isDigit(bytes[pos]) else { return false }
            skipDigits()
        }
        return true
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while pos < end, isDigit(bytes[pos]) { pos += 1 }
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard pos + count <= end else { return false }
        for index in 0..<count where bytes[pos + index] != text.utf8Start[index] { return false }
        pos += count
        return true
    }
}
