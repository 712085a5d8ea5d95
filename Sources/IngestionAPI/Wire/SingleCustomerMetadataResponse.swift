/// The 200 and 400 body of single-customer-metadata: `{"result": {"eventId": ..., "error": ...}}`.
public struct SingleCustomerMetadataResponse: Sendable, Equatable {
    public var result: ItemResult

    public init(result: ItemResult) {
        self.result = result
    }

    /// nil when the body is not JSON or has no readable `result` object.
    public static func decode(_ body: [UInt8]) -> SingleCustomerMetadataResponse? {
        guard let value = try? JSONParser.parse(body),
              let resultValue = value["result"],
              let result = ItemResult(jsonValue: resultValue)
        else { return nil }
        return SingleCustomerMetadataResponse(result: result)
    }

    public func jsonValue() -> JSONValue {
        ["result": result.jsonValue()]
    }
}
