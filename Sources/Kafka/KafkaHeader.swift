/// A record header. Values are bytes because Kafka does not require them to be text;
/// a `nil` value is a header with no value, which Kafka distinguishes from an empty one.
public struct KafkaHeader: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    public init(key: String, string: String) {
        self.key = key
        self.value = Array(string.utf8)
    }

    /// The value read as UTF-8, when it is valid UTF-8.
    public var stringValue: String? {
        value.flatMap { String(validating: $0, as: UTF8.self) }
    }
}

extension Array where Element == KafkaHeader {
    /// The value of the last header with this key, as Kafka clients conventionally read headers.
    public func last(_ key: String) -> KafkaHeader? {
        last { $0.key == key }
    }
}
