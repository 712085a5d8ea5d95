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
    ///
    /// Written into storage of its exact size, each item reached through the collection's
    /// subscript: appending checked the array's capacity and uniqueness twice per item, and
    /// iterating copied (retained and released) every item twice, once more to count the bytes.
    @inlinable
    public static func body<Items: Collection>(of items: Items) -> [UInt8] where Items.Element: SerializedItem {
        var itemBytes = 0
        for index in items.indices { itemBytes += items[index].serializedByteCount }
        let size = bodySize(itemBytes: itemBytes, itemCount: items.count)
        var fits = true
        let body = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            // Each piece only if it fits in what is left; `fits` ends false at the first that
            // does not, or when the body comes out shorter than its stated size.
            func write(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
                guard bytes.count <= size - initialized else { return false }
                if let source = bytes.baseAddress { (buffer.baseAddress! + initialized).initialize(from: source, count: bytes.count) }
                initialized += bytes.count
                return true
            }
            fits = (#"{"items":["# as StaticString).withUTF8Buffer(write)
            for index in items.indices where fits {
                if index != items.startIndex { fits = ("," as StaticString).withUTF8Buffer(write) }
                fits = fits && items[index].withSerializedBytes(write)
            }
            fits = fits && ("]}" as StaticString).withUTF8Buffer(write) && initialized == size
        }
        // An item whose bytes differ from its stated count (never the sink's own): built again by
        // appending, which sizes itself.
        return fits ? body : appendedBody(of: items)
    }

    @usableFromInline
    static func appendedBody<Items: Collection>(of items: Items) -> [UInt8] where Items.Element: SerializedItem {
        var body = Array(#"{"items":["#.utf8)
        var first = true
        for item in items {
            if !first { body.append(UInt8(ascii: ",")) }
            first = false
            item.withSerializedBytes { body.append(contentsOf: $0) }
        }
        body.append(contentsOf: "]}".utf8)
        return body
    }

    /// `bodySize(itemByteCounts:)` from the items' total and number.
    @inlinable
    static func bodySize(itemBytes: Int, itemCount: Int) -> Int {
        #"{"items":[]}"#.utf8.count + itemBytes + max(0, itemCount - 1)
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
        return bodySize(itemBytes: total, itemCount: count)
    }
}
