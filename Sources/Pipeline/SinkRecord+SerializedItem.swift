import IngestionAPI

extension SinkRecord: SerializedItem {
    var serializedByteCount: Int { byteCount }

    /// The item's bytes where they are: the prepared item, or the message value still in
    /// librdkafka's fetch buffer. (A tombstone is never a `SinkRecord`; it would read as empty.)
    func withSerializedBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let preparedItem = self.preparedItem { return try preparedItem.withUnsafeBufferPointer(body) }
        return try message.withUnsafeValue(body) ?? body(UnsafeBufferPointer(start: nil, count: 0))
    }
}
