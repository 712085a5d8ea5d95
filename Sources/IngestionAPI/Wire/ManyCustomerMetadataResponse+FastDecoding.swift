/// Reading the common answer in one pass, without a `JSONValue` tree: `{"errorCount": n,
/// "results": [{"eventId": "...", "error": "..."}, ...]}` with the two root members in either
/// order, results whose members are `eventId` and `error` (each at most once, a string without
/// escapes or `null`), and nothing else. The sink reads one of these per 1000 records; a tree
/// costs three allocations per result. Anything else returns nil and is read by
/// `decode(_:)`'s general path, so the result can only differ in speed.
extension ManyCustomerMetadataResponse {
    static func decodeCommonShape(_ body: [UInt8]) -> ManyCustomerMetadataResponse? {
        body.withUnsafeBufferPointer { buffer in
            var reader = CommonShapeReader(bytes: buffer)
            return reader.response()
        }
    }
}

private struct CommonShapeReader: JSONByteScanning {
    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    var pos = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.end = bytes.count
    }

    mutating func response() -> ManyCustomerMetadataResponse? {
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return nil }
        var errorCount: Int??  // .some(nil): present but not an Int the general path would read
        var results: [ItemResult]?
        repeat {
            skipWhitespace()
            guard let key = plainQuotedString()?.content, takeColon() else { return nil }
            if equals(key, "errorCount"), errorCount == nil {
                guard let count = integer() else { return nil }
                errorCount = .some(count)
            } else if equals(key, "results"), results == nil {
                guard let read = resultArray() else { return nil }
                results = read
            } else {
                return nil
            }
            skipWhitespace()
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { return nil }
        skipWhitespace()
        guard pos == end, let results else { return nil }
        let count = errorCount.flatMap { $0 } ?? results.count { !$0.succeeded }
        return ManyCustomerMetadataResponse(errorCount: count, results: results)
    }

    mutating func resultArray() -> [ItemResult]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var results: [ItemResult] = []
        skipWhitespace()
        if take(UInt8(ascii: "]")) { return results }
        repeat {
            skipWhitespace()
            guard let result = itemResult() else { return nil }
            results.append(result)
            skipWhitespace()
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? results : nil
    }

    mutating func itemResult() -> ItemResult? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var eventId: String??
        var error: String??
        skipWhitespace()
        if !take(UInt8(ascii: "}")) {
            repeat {
                skipWhitespace()
                guard let key = plainQuotedString()?.content, takeColon() else { return nil }
                if equals(key, "eventId"), eventId == nil {
                    guard let value = stringOrNull() else { return nil }
                    eventId = .some(value)
                } else if equals(key, "error"), error == nil {
                    guard let value = stringOrNull() else { return nil }
                    error = .some(value)
                } else {
                    return nil
                }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
        }
        return ItemResult(eventId: eventId.flatMap { $0 }, error: error.flatMap { $0 } ?? "")
    }

    /// A string without escapes (nil otherwise) or `null` (`.some(nil)`).
    mutating func stringOrNull() -> String?? {
        if takeNull() { return .some(nil) }
        guard let range = plainQuotedString()?.content else { return nil }
        return .some(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
    }

    /// A JSON integer (no fraction or exponent, no leading zeros) that fits an `Int`.
    mutating func integer() -> Int? {
        let start = pos
        _ = take(UInt8(ascii: "-"))
        let digitsStart = pos
        while pos < end, bytes[pos] >= UInt8(ascii: "0"), bytes[pos] <= UInt8(ascii: "9") { pos += 1 }
        let digits = pos - digitsStart
        guard digits > 0, digits == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { return nil }
        // A fraction or exponent would make it a number the general path reads differently.
        if pos < end, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[pos]) { return nil }
        return Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self))
    }

    mutating func takeColon() -> Bool {
        skipWhitespace()
        guard take(UInt8(ascii: ":")) else { return false }
        skipWhitespace()
        return true
    }
}
