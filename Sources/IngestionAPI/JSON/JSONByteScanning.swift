#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte steps shared by the one-pass readers (`CustomerItemFastPath.Scanner` for items,
/// the common-shape reader of API answers): a position in a buffer, single bytes, `null`,
/// whitespace, literal names and escape-free strings.
///
/// A protocol with default implementations rather than a shared cursor value, so that each
/// reader keeps `bytes` and `pos` as its own stored properties and the calls stay direct
/// (the protocol is only ever used through the concrete types, so nothing is dispatched).
protocol JSONByteScanning {
    var bytes: UnsafeBufferPointer<UInt8> { get }
    var end: Int { get }
    var pos: Int { get set }
}

extension JSONByteScanning {
    @inline(__always)
    mutating func take(_ byte: UInt8) -> Bool {
        guard pos < end, bytes[pos] == byte else { return false }
        pos += 1
        return true
    }

    mutating func takeNull() -> Bool {
        guard pos + 4 <= end, bytes[pos] == UInt8(ascii: "n"), bytes[pos + 1] == UInt8(ascii: "u"),
              bytes[pos + 2] == UInt8(ascii: "l"), bytes[pos + 3] == UInt8(ascii: "l")
        else { return false }
        pos += 4
        return true
    }

    @inline(__always)
    mutating func skipWhitespace() {
        // Whitespace is at most 0x20: one comparison settles the common case, no whitespace.
        while pos < end, bytes[pos] <= 0x20 {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    /// After a member or an element: a comma, with the whitespace around it (true: another one
    /// follows), or `close` (false: the container ends); nil for anything else.
    @inline(__always)
    mutating func separatorOrClose(_ close: UInt8) -> Bool? {
        skipWhitespace()
        if take(UInt8(ascii: ",")) {
            skipWhitespace()
            return true
        }
        return take(close) ? false : nil
    }

    /// Whether the bytes in `range` are exactly `text`.
    func equals(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        return memcmp(bytes.baseAddress! + range.lowerBound, text.utf8Start, range.count) == 0
    }

    /// A string at `pos` without escapes or control characters, in well-formed UTF-8: the range
    /// of its content and its length in code points. Nil for anything else (the general parser
    /// reads those).
    mutating func plainQuotedString() -> (content: Range<Int>, characters: Int)? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = pos
        var characters = 0
        while pos < end {
            let plainEnd = PlainASCIIRun.end(in: bytes, from: pos, to: end)
            characters += plainEnd - pos
            pos = plainEnd
            guard pos < end else { break }
            let byte = bytes[pos]
            if byte == UInt8(ascii: "\"") {
                pos += 1
                return (start..<(pos - 1), characters)
            }
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else { return nil }
            if byte < 0x80 {
                pos += 1
            } else {
                guard let length = UTF8Sequence.length(in: bytes, at: pos) else { return nil }
                pos += length
            }
            characters += 1
        }
        return nil
    }
}
