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

    /// 64-bit FNV-1a of the UTF-8 bytes: tiny, stable across runs and platforms (unlike
    /// `Hasher`, which is seeded per process).
    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func hexFNV1a64(_ text: String) -> String {
        let digits = String(fnv1a64(text), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
