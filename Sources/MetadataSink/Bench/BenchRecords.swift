import IngestionAPI

/// The benchmark's records: valid customer events shaped like the spec's example (every field
/// set, two attributes), padded to about the requested size with a third attribute.
enum BenchRecords {
    /// The `index`-th record. Every fifth has no `eventId`, so the sink derives one (and splices
    /// it into the bytes it sends), as it must for real producers that leave it out; the others
    /// carry `<eventIdPrefix>-<index>`.
    static func value(index: Int, bytes: Int, eventIdPrefix: String) -> [UInt8] {
        var item = SampleCustomerEvents.customer(index: index, eventIdPrefix: eventIdPrefix)
        let unpadded = item.serialized().count
        // `,{"name":"note","value":"…"}` adds 27 bytes plus the value; attribute values may be
        // up to 1024 characters.
        let padding = min(1024, bytes - unpadded - 27)
        guard padding > 0 else { return item.serialized() }
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        let note = String(decoding: (0..<padding).map { letters[($0 + index) % letters.count] }, as: UTF8.self)
        item.attributes?.append(.init(name: "note", value: note))
        return item.serialized()
    }
}
