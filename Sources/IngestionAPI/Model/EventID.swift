/// Event ids for records that arrive without one.
///
/// The API generates an id when none is sent, but then a retried or replayed record would get a
/// new id each time and could not be traced or de-duplicated. Deriving the id from the record's
/// Kafka coordinates makes every delivery attempt of the same record carry the same id.
public enum EventID {
    /// Longest topic prefix kept; Kafka allows 249-character topic names, the API 256-character ids.
    static let maxTopicPrefix = 64

    /// `<sanitised topic prefix>-<FNV-1a 64 of the raw topic, 16 hex digits>-<partition>-<offset>`.
    ///
    /// The result matches `[a-zA-Z0-9\-\_]+` and is at most 114 characters. Characters outside
    /// that class become `_` and long topics are truncated, which alone could make two topics
    /// collide (`a.b` and `a_b`); the hash of the unmodified topic keeps them apart.
    public static func derive(topic: String, partition: Int32, offset: Int64) -> String {
        // Kafka topic names are ASCII, which allows one pass over the bytes (this runs for every
        // record without an eventId); anything else takes the scalar-by-scalar way.
        guard topic.utf8.allSatisfy({ $0 < 0x80 }) else { return deriveFromScalars(topic: topic, partition: partition, offset: offset) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(topic.utf8.count, maxTopicPrefix) + 17 + 12 + 21)
        var hash: UInt64 = fnvOffsetBasis
        var kept = 0
        for byte in topic.utf8 {
            hash = (hash ^ UInt64(byte)) &* fnvPrime
            if kept < maxTopicPrefix {
                bytes.append(ASCIICharacterClass.identifier.contains(byte) ? byte : UInt8(ascii: "_"))
                kept += 1
            }
        }
        bytes.append(UInt8(ascii: "-"))
        for shift in stride(from: 60, through: 0, by: -4) {
            bytes.append(hexDigits[Int((hash >> UInt64(shift)) & 0xF)])
        }
        bytes.append(UInt8(ascii: "-"))
        appendDecimal(Int64(partition), to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDecimal(offset, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func deriveFromScalars(topic: String, partition: Int32, offset: Int64) -> String {
        var prefix = ""
        prefix.reserveCapacity(maxTopicPrefix)
        for scalar in topic.unicodeScalars.prefix(maxTopicPrefix) {
            if scalar.isASCII, ASCIICharacterClass.identifier.contains(UInt8(scalar.value)) {
                prefix.unicodeScalars.append(scalar)
            } else {
                prefix.append("_")
            }
        }
        return "\(prefix)-\(hexFNV1a64(topic))-\(partition)-\(offset)"
    }

    private static let fnvOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: [UInt8] = []
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes.append(contentsOf: digits.reversed())
    }

    /// 64-bit FNV-1a of the UTF-8 bytes: tiny, stable across runs and platforms (unlike
    /// `Hasher`, which is seeded per process).
    static func fnv1a64(_ text: String) -> UInt64 {
        var hash = fnvOffsetBasis
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* fnvPrime
        }
        return hash
    }

    static func hexFNV1a64(_ text: String) -> String {
        let digits = String(fnv1a64(text), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
