/// Reading the common answer in one pass, without a `JSONValue` tree: `{"errorCount": n,
/// "results": [{"eventId": "...", "error": "..."}, ...]}` with the two root members in either
/// order, results whose members are `eventId` and `error` (each at most once, a string without
/// escapes or `null`), and nothing else. The sink reads one of these per 1000 records; a tree
/// costs three allocations per result. Anything else returns nil and is read by
/// `decode(_:)`'s general path, so the result can only differ in speed.
extension ManyCustomerMetadataResponse {
    static func decodeCommonShape(_ body: [UInt8]) -> ManyCustomerMetadataResponse? {
        guard let read = CommonShapeReader.read(body, keepingEventIds: true), let eventIds = read.eventIds else { return nil }
        let results = zip(eventIds, read.errors).map { ItemResult(eventId: $0, error: $1) }
        return ManyCustomerMetadataResponse(errorCount: read.errorCount ?? results.count { !$0.succeeded }, results: results)
    }

    /// Each result's `error` in request order, blank for an ingested item: exactly
    /// `decode(body)?.results.map(\.error)`, without a `String` for every result's eventId.
    ///
    /// What the sink reads: it matches results to the items it sent by their position, since the
    /// spec calls the answer's eventId one "computed for the submitted event message" rather than
    /// the one sent, so the echoed ids would cost an allocation per record for nothing.
    public static func decodeErrors(_ body: [UInt8]) -> [String]? {
        if let read = CommonShapeReader.read(body, keepingEventIds: false) { return read.errors }
        return decodeAnyShape(body)?.results.map(\.error)
    }
}

struct CommonShapeReader: JSONByteScanning {
    /// The results as columns: each one's error (blank when absent or null) and, when kept, its
    /// eventId.
    struct Read {
        /// nil when absent or not an `Int` the general path would read (it recounts them then).
        var errorCount: Int?
        var errors: [String]
        var eventIds: [String?]?
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    var pos = 0
    let keepsEventIds: Bool
    var errors: [String] = []
    var eventIds: [String?] = []

    init(bytes: UnsafeBufferPointer<UInt8>, keepingEventIds: Bool) {
        self.bytes = bytes
        self.end = bytes.count
        self.keepsEventIds = keepingEventIds
    }

    static func read(_ body: [UInt8], keepingEventIds: Bool) -> Read? {
        body.withUnsafeBufferPointer { buffer in
            var reader = CommonShapeReader(bytes: buffer, keepingEventIds: keepingEventIds)
            return reader.response()
        }
    }

    mutating func response() -> Read? {
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return nil }
        var errorCount: Int??  // .some(nil): present but not an Int the general path would read
        var readResults = false
        repeat {
            skipWhitespace()
            guard let key = plainQuotedString()?.content, takeColon() else { return nil }
            if equals(key, "errorCount"), errorCount == nil {
                guard let count = integer() else { return nil }
                errorCount = .some(count)
            } else if equals(key, "results"), !readResults {
                guard resultArray() else { return nil }
                readResults = true
            } else {
                return nil
            }
            skipWhitespace()
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { return nil }
        skipWhitespace()
        guard pos == end, readResults else { return nil }
        return Read(errorCount: errorCount.flatMap { $0 }, errors: errors, eventIds: keepsEventIds ? eventIds : nil)
    }

    /// Appends each result's columns; false when the array is not in the common shape.
    mutating func resultArray() -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        skipWhitespace()
        if take(UInt8(ascii: "]")) { return true }
        repeat {
            skipWhitespace()
            guard itemResult() else { return false }
            skipWhitespace()
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]"))
    }

    mutating func itemResult() -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        var eventId: String??
        var error: String??
        skipWhitespace()
        if !take(UInt8(ascii: "}")) {
            repeat {
                skipWhitespace()
                guard let key = plainQuotedString()?.content, takeColon() else { return false }
                if equals(key, "eventId"), eventId == nil {
                    // Read (its shape decides the path) but made a string only when kept.
                    guard let value = stringOrNull(making: keepsEventIds) else { return false }
                    eventId = .some(value)
                } else if equals(key, "error"), error == nil {
                    guard let value = stringOrNull(making: true) else { return false }
                    error = .some(value)
                } else {
                    return false
                }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return false }
        }
        errors.append(error.flatMap { $0 } ?? "")
        if keepsEventIds { eventIds.append(eventId.flatMap { $0 }) }
        return true
    }

    /// A string without escapes (nil otherwise) or `null` (`.some(nil)`); a string reads as
    /// `.some(nil)` too when `making` is false.
    mutating func stringOrNull(making: Bool) -> String?? {
        if takeNull() { return .some(nil) }
        guard let range = plainQuotedString()?.content else { return nil }
        guard making else { return .some(nil) }
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
