/// One item's JSON bytes, wherever they are kept. A request body copies each item's bytes once,
/// in place, so an item still in a consumer's fetch buffer needs no copy of its own first.
public protocol SerializedItem {
    var serializedByteCount: Int { get }
    func withSerializedBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R
}

extension Array: SerializedItem where Element == UInt8 {
    public var serializedByteCount: Int { count }

    public func withSerializedBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer(body)
    }
}
