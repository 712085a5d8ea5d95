/// A JSON value as parsed from (or to be written to) the wire.
///
/// Numbers keep the exact text of their literal: the sink forwards customer data, and converting
/// `12345678901234567890` or `1.10` through `Double` would silently change what the API receives.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The literal's exact text, e.g. `-1.5e3`. Constructing one from text that is not a valid
    /// JSON number makes `serialized()` produce invalid JSON; use `JSONValue.integer(_:)` for numbers
    /// computed in code.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// A number value for an integer computed in code.
    public static func integer(_ value: some BinaryInteger) -> JSONValue {
        .number(String(value))
    }

    /// The JSON Schema name of this value's type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number's literal text, if this is a number.
    public var numberText: String? {
        if case .number(let text) = self { return text }
        return nil
    }

    /// The number as an `Int` when its literal is a plain integer that fits (no fraction, no exponent).
    public var intValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    /// The number as a `Double` (lossy for long literals; meant for settings such as durations).
    public var doubleValue: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Member lookup when this is an object; `nil` otherwise or when the key is absent.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}
