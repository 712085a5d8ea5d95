/// Strict JSON syntax without building values: the emulator's fast mode parses every request body
/// at a fraction of the cost of a `JSONValue` tree (an allocation per key and value, then as many
/// frees), which matters when the emulator shares the machine with the sink it serves.
///
/// It checks what `JSONParser` checks (UTF-8, escapes and surrogate pairs, number grammar,
/// nesting up to `maxDepth`, nothing after the value) except duplicate keys, and captures what a
/// many-customer-metadata answer needs: the byte range of each element of the root object's
/// `items` array, and the `eventId` string of each element that is an object. It returns nil for
/// anything else (a syntax error, no `items` array at the root), so that the caller can take the
/// general path, which words the error.
struct JSONItemsSkimmer: JSONByteScanning {
    struct Items: Equatable {
        var spans: [Range<Int>] = []
        var eventIds: [String?] = []
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
    private var itemsKeys = 0

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.end = bytes.count
        self.maxDepth = maxDepth
    }

    private mutating func document() -> Items? {
        var items = Items()
        // Open containers: true for an object.
        var stack: [Bool] = []
        stack.reserveCapacity(8)
        // The root's `items` array is open at depth 2; an element of it started at `elementStart`.
        var inItems = false
        var sawItems = false
        var keyIsItems = false
        var keyIsEventId = false
        var elementStart = 0
        var elementEventId: String?

        skipWhitespace()
        guard pos < end, bytes[pos] == UInt8(ascii: "{") else { return nil }
        while true {
            guard pos < end else { return nil }
            if inItems && stack.count == 2 {
                elementStart = pos
                elementEventId = nil
                keyIsEventId = false
            }
            let valueStart = pos
            var stringWithEscapes: Bool?
            switch bytes[pos] {
            case UInt8(ascii: "{"):
                guard stack.count < maxDepth else { return nil }
                pos += 1
                skipWhitespace()
                if take(UInt8(ascii: "}")) { break }
                stack.append(true)
                guard memberKey(depth: stack.count, keyIsItems: &keyIsItems, keyIsEventId: &keyIsEventId, inItems: inItems) else { return nil }
                continue
            case UInt8(ascii: "["):
                guard stack.count < maxDepth else { return nil }
                let isItems = stack.count == 1 && keyIsItems
                pos += 1
                skipWhitespace()
                if isItems {
                    guard !sawItems else { return nil }
                    sawItems = true
                }
                if take(UInt8(ascii: "]")) { break }
                stack.append(false)
                if isItems { inItems = true }
                continue
            case UInt8(ascii: "\""):
                guard let escapes = string() else { return nil }
                stringWithEscapes = escapes
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard number() else { return nil }
            case UInt8(ascii: "t"):
                guard literal("true") else { return nil }
            case UInt8(ascii: "f"):
                guard literal("false") else { return nil }
            case UInt8(ascii: "n"):
                guard literal("null") else { return nil }
            default:
                return nil
            }
            // A `"items": <not an array>` at the root: not the shape this reads.
            if stack.count == 1, keyIsItems, stringWithEscapes != nil || bytes[valueStart] != UInt8(ascii: "[") {
                return nil
            }
            // The eventId of an element of `items`.
            if inItems, stack.count == 3, stack[2], keyIsEventId, let escapes = stringWithEscapes {
                let span = valueStart..<pos
                elementEventId = escapes
                    ? (try? JSONParser.parse(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[span]))))?.stringValue
                    : String(decoding: UnsafeBufferPointer(rebasing: bytes[(span.lowerBound + 1)..<(span.upperBound - 1)]), as: UTF8.self)
            }

            // Attach the completed value; closing brackets complete their container in turn.
            while true {
                if inItems && stack.count == 2 {
                    items.spans.append(elementStart..<pos)
                    items.eventIds.append(elementEventId)
                }
                guard let isObject = stack.last else {
                    skipWhitespace()
                    return pos == end && sawItems ? items : nil
                }
                skipWhitespace()
                if take(UInt8(ascii: ",")) {
                    skipWhitespace()
                    if isObject {
                        guard memberKey(depth: stack.count, keyIsItems: &keyIsItems, keyIsEventId: &keyIsEventId, inItems: inItems) else {
                            return nil
                        }
                    }
                    break
                }
                guard take(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return nil }
                stack.removeLast()
                if stack.count == 1 && inItems { inItems = false }
            }
        }
    }

    /// `"key" :` and the whitespace around it, noting whether it names the root's `items` or an
    /// element's `eventId`.
    private mutating func memberKey(depth: Int, keyIsItems: inout Bool, keyIsEventId: inout Bool, inItems: Bool) -> Bool {
        let start = pos
        guard pos < end, bytes[pos] == UInt8(ascii: "\""), let escapes = string() else { return false }
        let name = (start + 1)..<(pos - 1)
        // Static strings: no lazily initialised static to check per member of every item.
        func named(_ expected: StaticString) -> Bool {
            if escapes {
                let key = (try? JSONParser.parse(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<pos]))))?.stringValue
                return key == expected.description
            }
            return equals(name, expected)
        }
        keyIsItems = depth == 1 && named("items")
        if keyIsItems {
            // A second `items` is a duplicate key: the general path refuses it.
            itemsKeys += 1
            guard itemsKeys == 1 else { return false }
        }
        keyIsEventId = depth == 3 && inItems && named("eventId")
        skipWhitespace()
        guard take(UInt8(ascii: ":")) else { return false }
        skipWhitespace()
        return true
    }

    /// A string at `pos`, validated; whether it has escape sequences, nil if it is not valid.
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
