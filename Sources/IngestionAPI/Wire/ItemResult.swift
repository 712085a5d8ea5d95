/// The API's verdict on one item: `{"eventId": "...", "error": ""}`.
///
/// Per the spec, `error` describes a failure when it is not blank; an empty string means the
/// item was ingested.
public struct ItemResult: Sendable, Equatable {
    public var eventId: String?
    public var error: String

    public init(eventId: String?, error: String) {
        self.eventId = eventId
        self.error = error
    }

    /// True when the API accepted the item (blank error).
    public var succeeded: Bool {
        Self.succeeded(error: error)
    }

    /// Whether a result with this `error` reports the item ingested: it is blank.
    public static func succeeded(error: String) -> Bool {
        error.allSatisfy(\.isWhitespace)
    }

    /// Reads a result object. A missing or `null` `error` reads as blank (the spec does not
    /// require the property); an `error` or `eventId` of another type makes the result unreadable.
    public init?(jsonValue: JSONValue) {
        guard case .object(let object) = jsonValue else { return nil }
        switch object["eventId"] {
        case nil, .null?: eventId = nil
        case .string(let text)?: eventId = text
        default: return nil
        }
        switch object["error"] {
        case nil, .null?: error = ""
        case .string(let text)?: error = text
        default: return nil
        }
    }

    public func jsonValue() -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let eventId { members.append(("eventId", .string(eventId))) }
        members.append(("error", .string(error)))
        return .object(JSONObject(members))
    }
}
