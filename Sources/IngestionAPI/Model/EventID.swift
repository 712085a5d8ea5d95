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
        // Written straight into the string's storage: no intermediate arrays, and the class and
        // digit tables are read once rather than per byte (each static read is a lazy-init check).
        let identifier = ASCIICharacterClass.identifier
        let capacity = min(topic.utf8.count, maxTopicPrefix) + 1 + 16 + 1 + 11 + 1 + 20
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var count = 0
            var hash: UInt64 = fnvOffsetBasis
            for byte in topic.utf8 {
                hash = (hash ^ UInt64(byte)) &* fnvPrime
                if count < maxTopicPrefix {
                    buffer[count] = identifier.contains(byte) ? byte : UInt8(ascii: "_")
                    count += 1
                }
            }
            buffer[count] = UInt8(ascii: "-")
            count += 1
            for shift in stride(from: 60, through: 0, by: -4) {
                let digit = UInt8((hash >> UInt64(shift)) & 0xF)
                buffer[count] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                count += 1
            }
            buffer[count] = UInt8(ascii: "-")
            count += 1
            writeDecimal(Int64(partition), into: buffer, at: &count)
            buffer[count] = UInt8(ascii: "-")
            count += 1
            writeDecimal(offset, into: buffer, at: &count)
            return count
        }
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
    /// `value` in decimal at `count`, which it advances (at most 20 bytes).
    private static func writeDecimal(_ value: Int64, into buffer: UnsafeMutableBufferPointer<UInt8>, at count: inout Int) {
        if value < 0 {
            buffer[count] = UInt8(ascii: "-")
            count += 1
        }
        var magnitude = value.magnitude
        var digits = 1
        var scan = magnitude
        while scan >= 10 {
            scan /= 10
            digits += 1
        }
        var index = count + digits - 1
        repeat {
            buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
        count += digits
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
