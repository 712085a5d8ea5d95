/// A strict RFC 8259 JSON parser working directly on bytes.
///
/// Strictness is deliberate: the sink decides per record whether the API can accept it, so
/// anything another parser might read differently (invalid UTF-8, lone surrogates, duplicate keys,
/// trailing garbage) is refused here with the byte offset, instead of being guessed at.
///
/// The parser is iterative with an explicit container stack, so hostile nesting cannot overflow
/// the thread's stack whatever `maxDepth` is; nesting beyond `maxDepth` is reported as an error.
public enum JSONParser {
    /// Deep enough for any real customer event, shallow enough that the recursive `Equatable`,
    /// serialisation and deallocation of a parsed value stay far from stack limits.
    public static let defaultMaxDepth = 512

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { buffer in
            parseCapturing(buffer, maxDepth: maxDepth, captureElementsOfRootMember: nil)
        }
        return try result.get().value
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let buffer = bytes.assumingMemoryBound(to: UInt8.self)
        return try parseCapturing(buffer, maxDepth: maxDepth, captureElementsOfRootMember: nil).get().value
    }

    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            parseCapturing(buffer, maxDepth: maxDepth, captureElementsOfRootMember: nil)
        }
        if let contiguous {
            return try contiguous.get().value
        }
        return try parse(Array(bytes), maxDepth: maxDepth)
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            parseCapturing(buffer, maxDepth: maxDepth, captureElementsOfRootMember: nil)
        }
        return try result.get().value
    }

    /// Parses `buffer` and, when `key` is given and the document is an object whose member `key`
    /// is an array, also returns the byte range of each element of that array as written.
    ///
    /// The emulator uses this to record the exact bytes of each item it accepted, so tests can
    /// check that the sink forwards records without re-encoding them.
    static func parseCapturing(
        _ buffer: UnsafeBufferPointer<UInt8>,
        maxDepth: Int,
        captureElementsOfRootMember key: String?
    ) -> Result<(value: JSONValue, spans: [Range<Int>]), JSONParseError> {
        var parser = JSONParserCore(bytes: buffer, maxDepth: maxDepth, captureKey: key)
        do throws(JSONParseError) {
            let value = try parser.parseDocument()
            return .success((value, parser.capturedSpans))
        } catch {
            return .failure(error)
        }
    }
}

/// One open array or object while parsing. Arrays use `elements`, objects use `members`; the
/// unused one stays empty and costs no allocation.
private struct OpenContainer {
    let isObject: Bool
    let start: Int
    var elements: [JSONValue] = []
    var members: [(key: String, value: JSONValue)] = []
    var pendingKey = ""
    /// Built once an object has enough members that scanning for duplicates gets costly.
    var keySet: Set<String>? = nil
}

private enum ASCII {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let lowerE = UInt8(ascii: "e")
    static let upperE = UInt8(ascii: "E")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
}

private struct JSONParserCore {
    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    let maxDepth: Int
    let captureKey: String?
    var pos = 0
    var capturedSpans: [Range<Int>] = []
    /// Reused across strings that contain escapes; strings without escapes are built straight
    /// from the input buffer.
    var scratch: [UInt8] = []

    /// Objects with more members than this get a hash set for the duplicate-key check.
    static let linearKeyScanLimit = 16

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, captureKey: String?) {
        self.bytes = bytes
        self.end = bytes.count
        self.maxDepth = maxDepth
        self.captureKey = captureKey
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        var stack: [OpenContainer] = []
        skipWhitespace()
        while true {
            // Parse one value starting at `pos`; containers are pushed and parsing continues
            // with their first element.
            guard pos < end else { throw failure(at: pos, "unexpected end of input, expected a value") }
            var valueStart = pos
            var value: JSONValue
            switch bytes[pos] {
            case ASCII.openBrace:
                guard stack.count < maxDepth else { throw failure(at: pos, "nesting deeper than \(maxDepth) levels") }
                pos += 1
                skipWhitespace()
                if pos < end, bytes[pos] == ASCII.closeBrace {
                    pos += 1
                    value = .object(JSONObject())
                } else {
                    var container = OpenContainer(isObject: true, start: valueStart)
                    try readMemberKey(into: &container, expected: "'\"' to begin an object key or '}'")
                    stack.append(container)
                    continue
                }
            case ASCII.openBracket:
                guard stack.count < maxDepth else { throw failure(at: pos, "nesting deeper than \(maxDepth) levels") }
                pos += 1
                skipWhitespace()
                if pos < end, bytes[pos] == ASCII.closeBracket {
                    pos += 1
                    value = .array([])
                } else {
                    stack.append(OpenContainer(isObject: false, start: valueStart))
                    continue
                }
            case ASCII.quote:
                value = .string(try parseString())
            case ASCII.minus, ASCII.zero...ASCII.nine:
                value = try parseNumber()
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            default:
                throw unexpectedByte(at: pos, expected: "a value")
            }

            // Attach the completed value to its parent; closing brackets complete the parent in
            // turn, until a comma asks for the next value or the document ends.
            attaching: while true {
                guard !stack.isEmpty else {
                    skipWhitespace()
                    guard pos == end else { throw unexpectedByte(at: pos, expected: "end of input after the JSON value") }
                    return value
                }
                let top = stack.count - 1
                if let captureKey, top == 1, stack[0].isObject, !stack[1].isObject, stack[0].pendingKey == captureKey {
                    capturedSpans.append(valueStart..<pos)
                }
                skipWhitespace()
                if stack[top].isObject {
                    let key = stack[top].pendingKey
                    stack[top].members.append((key: key, value: value))
                    if stack[top].keySet != nil {
                        stack[top].keySet!.insert(key)
                    }
                    guard pos < end else { throw failure(at: pos, "unexpected end of input, expected ',' or '}'") }
                    switch bytes[pos] {
                    case ASCII.comma:
                        pos += 1
                        skipWhitespace()
                        try readMemberKey(into: &stack[top], expected: "'\"' to begin an object key")
                        break attaching
                    case ASCII.closeBrace:
                        pos += 1
                        let container = stack.removeLast()
                        value = .object(JSONObject(container.members))
                        valueStart = container.start
                    default:
                        throw unexpectedByte(at: pos, expected: "',' or '}'")
                    }
                } else {
                    stack[top].elements.append(value)
                    guard pos < end else { throw failure(at: pos, "unexpected end of input, expected ',' or ']'") }
                    switch bytes[pos] {
                    case ASCII.comma:
                        pos += 1
                        skipWhitespace()
                        break attaching
                    case ASCII.closeBracket:
                        pos += 1
                        let container = stack.removeLast()
                        value = .array(container.elements)
                        valueStart = container.start
                    default:
                        throw unexpectedByte(at: pos, expected: "',' or ']'")
                    }
                }
            }
        }
    }

    /// Reads `"key" :` and the whitespace after it, refusing a key the object already has.
    mutating func readMemberKey(into container: inout OpenContainer, expected: String) throws(JSONParseError) {
        guard pos < end else { throw failure(at: pos, "unexpected end of input, expected \(expected)") }
        guard bytes[pos] == ASCII.quote else { throw unexpectedByte(at: pos, expected: expected) }
        let keyStart = pos
        let key = try parseString()
        let isDuplicate: Bool
        if container.members.count < Self.linearKeyScanLimit {
            isDuplicate = container.members.contains { $0.key == key }
        } else {
            if container.keySet == nil {
                container.keySet = Set(container.members.map(\.key))
            }
            isDuplicate = container.keySet!.contains(key)
        }
        if isDuplicate {
            throw failure(at: keyStart, "duplicate key \"\(key)\" in object")
        }
        container.pendingKey = key
        skipWhitespace()
        guard pos < end else { throw failure(at: pos, "unexpected end of input, expected ':' after object key") }
        guard bytes[pos] == ASCII.colon else { throw unexpectedByte(at: pos, expected: "':' after object key") }
        pos += 1
        skipWhitespace()
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            switch bytes[pos] {
            case ASCII.space, ASCII.newline, ASCII.carriageReturn, ASCII.tab:
                pos += 1
            default:
                return
            }
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = pos
        let count = literal.utf8CodeUnitCount
        let literalBytes = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for index in 0..<count {
            guard start + index < end, bytes[start + index] == literalBytes[index] else {
                throw failure(at: start, "invalid literal, expected '\(literal)'")
            }
        }
        pos = start + count
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        if bytes[pos] == ASCII.minus {
            pos += 1
        }
        guard pos < end, isDigit(bytes[pos]) else { throw failure(at: pos, "expected a digit in number") }
        if bytes[pos] == ASCII.zero {
            pos += 1
            if pos < end, isDigit(bytes[pos]) {
                throw failure(at: start, "leading zeros are not allowed in numbers")
            }
        } else {
            skipDigits()
        }
        if pos < end, bytes[pos] == ASCII.dot {
            pos += 1
            guard pos < end, isDigit(bytes[pos]) else { throw failure(at: pos, "expected a digit after the decimal point") }
            skipDigits()
        }
        if pos < end, bytes[pos] == ASCII.lowerE || bytes[pos] == ASCII.upperE {
            pos += 1
            if pos < end, bytes[pos] == ASCII.plus || bytes[pos] == ASCII.minus {
                pos += 1
            }
            guard pos < end, isDigit(bytes[pos]) else { throw failure(at: pos, "expected a digit in the exponent") }
            skipDigits()
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self))
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool {
        byte >= ASCII.zero && byte <= ASCII.nine
    }

    @inline(__always)
    mutating func skipDigits() {
        while pos < end, isDigit(bytes[pos]) {
            pos += 1
        }
    }

    /// Parses a string starting at the opening quote, validating UTF-8 as it goes.
    mutating func parseString() throws(JSONParseError) -> String {
        let openingQuote = pos
        pos += 1
        var runStart = pos
        var usesScratch = false
        while true {
            guard pos < end else { throw failure(at: openingQuote, "unterminated string") }
            let byte = bytes[pos]
            if byte == ASCII.quote {
                let string: String
                if usesScratch {
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<pos]))
                    string = String(decoding: scratch, as: UTF8.self)
                } else {
                    string = String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<pos]), as: UTF8.self)
                }
                pos += 1
                return string
            } else if byte == ASCII.backslash {
                if !usesScratch {
                    usesScratch = true
                    scratch.removeAll(keepingCapacity: true)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<pos]))
                try parseEscape()
                runStart = pos
            } else if byte < 0x20 {
                throw failure(at: pos, "control character \(unicodeName(UInt32(byte))) must be escaped in a string")
            } else if byte < 0x80 {
                pos += 1
            } else {
                guard let length = utf8SequenceLength(at: pos) else {
                    throw failure(at: pos, "invalid UTF-8 byte 0x\(hex(byte))")
                }
                pos += length
            }
        }
    }

    /// Parses one escape sequence starting at the backslash and appends its UTF-8 to `scratch`.
    mutating func parseEscape() throws(JSONParseError) {
        let escapeStart = pos
        pos += 1
        guard pos < end else { throw failure(at: escapeStart, "unterminated escape sequence") }
        let byte = bytes[pos]
        pos += 1
        switch byte {
        case ASCII.quote, ASCII.backslash, ASCII.slash:
            scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try readHex4(escapeStart: escapeStart)
            var scalarValue = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                // A high surrogate is only meaningful as the first half of a \uD8xx\uDCxx pair.
                guard pos + 1 < end, bytes[pos] == ASCII.backslash, bytes[pos + 1] == UInt8(ascii: "u") else {
                    throw failure(at: escapeStart, "lone surrogate \\u\(hex16(unit)) is not a Unicode character")
                }
                let lowStart = pos
                pos += 2
                let low = try readHex4(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw failure(at: escapeStart, "lone surrogate \\u\(hex16(unit)) is not a Unicode character")
                }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw failure(at: escapeStart, "lone surrogate \\u\(hex16(unit)) is not a Unicode character")
            }
            // Cannot fail: surrogates were handled above and the value is at most 0x10FFFF.
            let scalar = Unicode.Scalar(scalarValue)!
            scratch.append(contentsOf: UTF8.encode(scalar)!)
        default:
            throw failure(at: escapeStart, "invalid escape sequence '\\\(printable(byte))'")
        }
    }

    /// Reads the four hex digits after `\u` (pos is at the first digit).
    mutating func readHex4(escapeStart: Int) throws(JSONParseError) -> UInt16 {
        guard pos + 4 <= end else { throw failure(at: escapeStart, "incomplete \\u escape, expected 4 hex digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[pos]
            let digit: UInt8
            switch byte {
            case ASCII.zero...ASCII.nine: digit = byte - ASCII.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure(at: escapeStart, "invalid \\u escape, expected 4 hex digits")
            }
            value = value << 4 | UInt16(digit)
            pos += 1
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence starting at `index`, or nil if it is malformed.
    func utf8SequenceLength(at index: Int) -> Int? {
        UTF8Sequence.length(in: bytes, at: index)
    }

    /// An error for an unexpected byte, telling invalid UTF-8 apart from a misplaced character.
    func unexpectedByte(at index: Int, expected: String) -> JSONParseError {
        guard index < end else { return failure(at: index, "unexpected end of input, expected \(expected)") }
        let byte = bytes[index]
        if byte >= 0x80 {
            guard let length = utf8SequenceLength(at: index) else {
                return failure(at: index, "invalid UTF-8 byte 0x\(hex(byte))")
            }
            let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + length]), as: UTF8.self)
                .unicodeScalars.first!
            return failure(at: index, "unexpected character \(unicodeName(scalar.value)), expected \(expected)")
        }
        return failure(at: index, "unexpected character '\(printable(byte))', expected \(expected)")
    }

    func failure(at offset: Int, _ reason: String) -> JSONParseError {
        JSONParseError(offset: offset, reason: reason)
    }

    func printable(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : unicodeName(UInt32(byte))
    }

    func unicodeName(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

    func hex16(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
