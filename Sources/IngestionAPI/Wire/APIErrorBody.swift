/// The body of the API's error responses (401, 403, 404, 409, 413, 422, 429, 503, 500):
/// `{"error": {"requestId": "...", "code": "401-01", "message": "Unauthorized"}}`.
public struct APIErrorBody: Sendable, Equatable, CustomStringConvertible {
    public var requestId: String?
    public var code: String?
    public var message: String

    public init(requestId: String?, code: String?, message: String) {
        self.requestId = requestId
        self.code = code
        self.message = message
    }

    /// nil unless the body is JSON with an `error` object. Fields of the wrong type read as
    /// absent (`message` as empty): this body only feeds logs and error strings, so a partial
    /// reading beats none.
    public static func decode(_ body: [UInt8]) -> APIErrorBody? {
        guard let value = try? JSONParser.parse(body), case .object(let error)? = value["error"] else { return nil }
        return APIErrorBody(
            requestId: error["requestId"]?.stringValue,
            code: error["code"]?.stringValue,
            message: error["message"]?.stringValue ?? ""
        )
    }

    public func jsonValue() -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let requestId { members.append(("requestId", .string(requestId))) }
        if let code { members.append(("code", .string(code))) }
        members.append(("message", .string(message)))
        return ["error": .object(JSONObject(members))]
    }

    /// `401-01 Unauthorized (request 8e03...)`, for logs and dead-letter reasons.
    public var description: String {
        var text = code.map { "\($0) \(message)" } ?? message
        if let requestId { text += " (request \(requestId))" }
        return text
    }
}
