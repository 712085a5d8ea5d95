/// The body of `POST /metadata-ingestion/v1/many-customer-metadata`.
public enum ManyCustomerMetadataRequest {
    /// `{"items":[a,b,c]}` from already-serialised items, copied byte for byte: each record is
    /// forwarded exactly as it was validated, and re-encoding would cost time for nothing.
    /// The caller guarantees each element is one complete JSON value.
    public static func body(items: [[UInt8]]) -> [UInt8] {
        body(of: items)
    }

    /// `body(items:)` of items wherever their bytes are kept. Inlinable, so that it is
    /// specialised for the caller's item type: unspecialised, it reached every item's bytes
    /// through witness tables and a closure context, for each of a batch's thousand items.
    @inlinable
    public static func body<Items: Collection>(of items: Items) -> [UInt8] where Items.Element: SerializedItem {
        let prefix = #"{"items":["#.utf8
        let itemBytes = items.reduce(0) { $0 + $1.serializedByteCount }
        var body: [UInt8] = []
        body.reserveCapacity(prefix.count + itemBytes + max(0, items.count - 1) + 2)
        body.append(contentsOf: prefix)
        var first = true
        for item in items {
            if !first { body.append(UInt8(ascii: ",")) }
            first = false
            item.withSerializedBytes { body.append(contentsOf: $0) }
        }
        body.append(UInt8(ascii: "]"))
        body.append(UInt8(ascii: "}"))
        return body
    }

    /// The size `body(items:)` will produce, so a batcher can stay under a byte limit without
    /// building the body.
    public static func bodySize(itemByteCounts: some Sequence<Int>) -> Int {
        var count = 0
        var total = 0
        for size in itemByteCounts {
            total += size
            count += 1
        }
        return #"{"items":[]}"#.utf8.count + total + max(0, count - 1)
    }
}
