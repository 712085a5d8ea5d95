/// The 200 (partial) success and 400 all-failed body of many-customer-metadata:
/// `{"errorCount": n, "results": [{"eventId": ..., "error": ...}, ...]}`.
public struct ManyCustomerMetadataResponse: Sendable, Equatable {
    public var errorCount: Int
    /// One result per submitted item, in request order.
    public var results: [ItemResult]

    public init(errorCount: Int, results: [ItemResult]) {
        self.errorCount = errorCount
        self.results = results
    }

    /// nil when the body is not JSON, is not an object, lacks a `results` array, or holds a
    /// result that is not a readable result object. A missing or non-integer `errorCount` is
    /// recomputed from the results rather than failing the whole response.
    public static func decode(_ body: [UInt8]) -> ManyCustomerMetadataResponse? {
        decodeCommonShape(body) ?? decodeAnyShape(body)
    }

    /// The general path: a parsed tree, read as `init(jsonValue:)` reads it.
    static func decodeAnyShape(_ body: [UInt8]) -> ManyCustomerMetadataResponse? {
        guard let value = try? JSONParser.parse(body) else { return nil }
        return ManyCustomerMetadataResponse(jsonValue: value)
    }

    public init?(jsonValue: JSONValue) {
        guard case .array(let elements)? = jsonValue["results"] else { return nil }
        var results: [ItemResult] = []
        results.reserveCapacity(elements.count)
        for element in elements {
            guard let result = ItemResult(jsonValue: element) else { return nil }
            results.append(result)
        }
        self.results = results
        self.errorCount = jsonValue["errorCount"]?.intValue ?? results.count { !$0.succeeded }
    }

    public func jsonValue() -> JSONValue {
        ["errorCount": .integer(errorCount), "results": .array(results.map { $0.jsonValue() })]
    }
}
