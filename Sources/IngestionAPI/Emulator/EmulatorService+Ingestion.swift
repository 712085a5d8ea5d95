import Logging
import NIOHTTP1

/// The two ingestion endpoints, as the spec describes them.
extension EmulatorService {
    /// A parsed body plus the byte range of each item as written.
    struct ParsedBody {
        var value: JSONValue
        var itemSpans: [Range<Int>]
    }

    /// The result of processing one request, before it is logged.
    struct Outcome {
        var response: EmulatorHTTPResponse
        var itemCount = 0
        var accepted = EmulatorAcceptedLog()
        var refusedCount = 0
    }

    func handleIngestion(_ request: EmulatorHTTPRequest, endpoint: IngestionEndpoint, now: ContinuousClock.Instant) -> EmulatorHTTPResponse {
        let admission = state.withLock { $0.admit(now: now) }
        let settings = admission.settings

        // Fast mode reads a well-formed many-customer-metadata body without building a tree; any
        // other body (malformed, no items, too many) gets the general path and its exact errors.
        if settings.fastMode, endpoint == .many, !request.bodyTooLarge, let items = JSONItemsSkimmer.skim(request.body),
           (MetadataIngestionAPI.minItemsPerRequest...MetadataIngestionAPI.maxItemsPerRequest).contains(items.spans.count) {
            let outcome: Outcome
            if let fault = admission.fault {
                outcome = Outcome(response: Self.errorResponse(status: fault.status, retryAfter: fault.retryAfter), itemCount: items.spans.count)
            } else if !Self.isAuthorized(request.headers, settings: settings) {
                outcome = Outcome(response: Self.errorResponse(status: 401), itemCount: items.spans.count)
            } else {
                outcome = fastIngestMany(items, raw: request.body, settings: settings, requestIndex: admission.index)
            }
            // Fast mode skips building a JSON tree, so it does not log the first eventId.
            return finish(request, admission: admission, outcome: outcome, firstEventId: nil, now: now)
        }

        // Parsed even when a fault or a 401 will answer, so the log shows the item count of every
        // attempt and retries can be matched to their batches.
        let parsed = request.bodyTooLarge ? nil : Self.parse(request.body, endpoint: endpoint)
        var itemCount = 0
        var firstEventId: String?
        if case .success(let body)? = parsed {
            itemCount = endpoint == .single ? 1 : body.itemSpans.count
            let firstItem = endpoint == .single ? body.value : body.value["items"]?.arrayValue?.first
            firstEventId = firstItem?["eventId"]?.stringValue
        }

        var outcome: Outcome
        if let fault = admission.fault {
            outcome = Outcome(response: Self.errorResponse(status: fault.status, retryAfter: fault.retryAfter), itemCount: itemCount)
        } else if !Self.isAuthorized(request.headers, settings: settings) {
            outcome = Outcome(response: Self.errorResponse(status: 401), itemCount: itemCount)
        } else if request.bodyTooLarge {
            outcome = Outcome(response: Self.errorResponse(
                status: 413,
                message: "Request Entity Too Large: body exceeds \(settings.maxBodyBytes) bytes"
            ))
        } else {
            switch parsed {
            case .failure(let error)?:
                outcome = Outcome(response: Self.errorResponse(status: 400, message: "Bad Request: \(error)"))
            case .success(let body)?:
                switch endpoint {
                case .many:
                    outcome = ingestMany(body, raw: request.body, settings: settings, requestIndex: admission.index)
                case .single:
                    outcome = ingestSingle(body, raw: request.body, settings: settings, requestIndex: admission.index)
                }
            case nil:
                outcome = Outcome(response: Self.errorResponse(status: 400, message: "Bad Request: empty body"))
            }
        }

        return finish(request, admission: admission, outcome: outcome, firstEventId: firstEventId, now: now)
    }

    /// Logs the request and its accepted items, wakes waiters, and applies the latency setting.
    private func finish(
        _ request: EmulatorHTTPRequest, admission: EmulatorState.Admission, outcome: Outcome, firstEventId: String?,
        now: ContinuousClock.Instant
    ) -> EmulatorHTTPResponse {
        var outcome = outcome
        let settings = admission.settings
        let retryAfter = outcome.response.headers.first { $0.0 == "retry-after" }?.1
        let record = EmulatorRequestRecord(
            index: admission.index, receivedAt: now, method: request.method.rawValue, path: String(request.path),
            status: outcome.response.status, itemCount: outcome.itemCount,
            acceptedCount: outcome.accepted.count, refusedCount: outcome.refusedCount, retryAfter: retryAfter,
            firstEventId: firstEventId
        )
        let waiters = state.withLock { $0.record(record, accepted: outcome.accepted) }
        resume(waiters)
        // Counts only: item contents are customer data and stay out of the logs.
        logger.debug("emulator answered", metadata: [
            "request": "\(admission.index)", "path": "\(request.path)", "status": "\(record.status)",
            "items": "\(record.itemCount)", "accepted": "\(record.acceptedCount)", "refused": "\(record.refusedCount)",
        ])
        outcome.response.delay = settings.latency
        return outcome.response
    }

    static func parse(_ body: [UInt8], endpoint: IngestionEndpoint) -> Result<ParsedBody, JSONParseError> {
        body.withUnsafeBufferPointer { buffer in
            switch endpoint {
            case .many:
                JSONParser.parseCapturing(buffer, maxDepth: JSONParser.defaultMaxDepth, captureElementsOfRootMember: "items")
                    .map { ParsedBody(value: $0.value, itemSpans: $0.spans) }
            case .single:
                JSONParser.parseCapturing(buffer, maxDepth: JSONParser.defaultMaxDepth, captureElementsOfRootMember: nil)
                    .map { ParsedBody(value: $0.value, itemSpans: [trimmedRange(buffer)]) }
            }
        }
    }

    /// The body without the JSON whitespace around the value: the single endpoint's item bytes.
    static func trimmedRange(_ buffer: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        }
        var lower = 0
        var upper = buffer.count
        while lower < upper, isSpace(buffer[lower]) { lower += 1 }
        while upper > lower, isSpace(buffer[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    static func isAuthorized(_ headers: HTTPHeaders, settings: EmulatorState.Settings) -> Bool {
        headers.first(name: MetadataIngestionAPI.apiIDHeader) == settings.apiID
            && headers.first(name: MetadataIngestionAPI.apiSecretHeader) == settings.apiSecret
    }

    func ingestMany(_ body: ParsedBody, raw: [UInt8], settings: EmulatorState.Settings, requestIndex: Int) -> Outcome {
        func badRequest(_ message: String) -> Outcome {
            Outcome(response: Self.errorResponse(status: 400, message: "Bad Request: \(message)"), itemCount: body.itemSpans.count)
        }
        guard case .object(let root) = body.value else {
            return badRequest("expected type object, got \(body.value.typeName)")
        }
        guard let itemsValue = root["items"] else {
            return badRequest("items: required property is missing")
        }
        guard case .array(let items) = itemsValue else {
            return badRequest("items: expected type array, got \(itemsValue.typeName)")
        }
        guard items.count >= MetadataIngestionAPI.minItemsPerRequest else {
            return badRequest("items: minItems \(MetadataIngestionAPI.minItemsPerRequest) not met (0 items)")
        }
        guard items.count <= MetadataIngestionAPI.maxItemsPerRequest else {
            return badRequest("items: maxItems \(MetadataIngestionAPI.maxItemsPerRequest) exceeded (\(items.count) items)")
        }
        // The parser captured one span per element of the root's `items`.
        precondition(body.itemSpans.count == items.count, "item spans out of step with items")

        var outcome = Outcome(response: EmulatorHTTPResponse(status: 200, body: []), itemCount: items.count)
        var results: [JSONValue] = []
        results.reserveCapacity(items.count)
        for (position, item) in items.enumerated() {
            let result = judge(item, settings: settings)
            results.append(result.jsonValue())
            if result.error.isEmpty {
                outcome.accepted.append(
                    requestIndex: requestIndex, position: position, eventId: result.eventId ?? "",
                    bytes: settings.recordItemBytes ? Array(raw[body.itemSpans[position]]) : [])
            } else {
                outcome.refusedCount += 1
            }
        }
        // 200 as long as one item was ingested ("partial success"), 400 when none was.
        let status = outcome.accepted.isEmpty ? 400 : 200
        outcome.response = Self.jsonResponse(status: status, [
            "errorCount": .integer(outcome.refusedCount),
            "results": .array(results),
        ])
        return outcome
    }

    /// Fast mode's answer: every item accepted, the result body written straight to bytes (the
    /// same bytes `jsonResponse` would produce). An eventId without escape sequences is copied as
    /// written, into the answer and the log, without becoming a `String` (see
    /// `JSONItemsSkimmer.EventID`).
    func fastIngestMany(_ items: JSONItemsSkimmer.Items, raw: [UInt8], settings: EmulatorState.Settings, requestIndex: Int) -> Outcome {
        let count = items.spans.count
        var outcome = Outcome(response: EmulatorHTTPResponse(status: 200, body: []), itemCount: count)
        // The common case, a benchmark's: every eventId plain and no item bytes to keep.
        if !settings.recordItemBytes, let plain = Self.plainEventIds(items) {
            raw.withUnsafeBufferPointer { raw in
                outcome.response = EmulatorHTTPResponse(status: 200, body: Self.plainAnswer(plain, in: raw))
                outcome.accepted.appendRequest(requestIndex: requestIndex, eventIds: plain, in: raw)
            }
            return outcome
        }
        outcome.accepted.reserveCapacity(count, eventIdBytes: count * 40)
        var body: [UInt8] = []
        body.reserveCapacity(32 + count * 64)
        body.append(contentsOf: FastAnswer.bytes(FastAnswer.prefix))
        // As arrays, made once per request: appending a string's UTF-8 view per item went
        // through the view's own iteration, several times slower than a copy of an array.
        let resultStart = FastAnswer.bytes(FastAnswer.resultStart)
        let resultEnd = FastAnswer.bytes(FastAnswer.resultEnd)
        raw.withUnsafeBufferPointer { raw in
            for position in 0..<count {
                if position > 0 { body.append(UInt8(ascii: ",")) }
                body.append(contentsOf: resultStart)
                let itemBytes = settings.recordItemBytes ? Array(raw[items.spans[position]]) : []
                if let eventId = items.eventIds[position], !eventId.escaped {
                    let utf8 = UnsafeBufferPointer(rebasing: raw[eventId.content])
                    body.append(UInt8(ascii: "\""))
                    body.append(contentsOf: utf8)
                    body.append(UInt8(ascii: "\""))
                    outcome.accepted.append(requestIndex: requestIndex, position: position, eventIdUTF8: utf8, bytes: itemBytes)
                } else {
                    let eventId = items.eventIds[position]?.string(in: raw) ?? RandomIdentifier.uuidLike()
                    JSONValue.serializeString(eventId, into: &body)
                    outcome.accepted.append(requestIndex: requestIndex, position: position, eventId: eventId, bytes: itemBytes)
                }
                body.append(contentsOf: resultEnd)
            }
        }
        body.append(contentsOf: FastAnswer.bytes(FastAnswer.suffix))
        outcome.response = EmulatorHTTPResponse(status: 200, body: body)
        return outcome
    }

    /// Where each item's eventId lies, when every item has one without escape sequences.
    static func plainEventIds(_ items: JSONItemsSkimmer.Items) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(items.eventIds.count)
        for eventId in items.eventIds {
            guard let eventId, !eventId.escaped else { return nil }
            ranges.append(eventId.content)
        }
        return ranges
    }

    /// Fast mode's answer when every eventId is plain: the same bytes as the loop above, written
    /// into one buffer of their exact size (a few small copies per item, where appending to an
    /// array paid a capacity check and a call per piece).
    static func plainAnswer(_ eventIds: [Range<Int>], in raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // Per item: `{"eventId":`, the quoted eventId, `,"error":""}`; commas between items.
        let perItem = FastAnswer.resultStart.utf8CodeUnitCount + 2 + FastAnswer.resultEnd.utf8CodeUnitCount
        let size = FastAnswer.prefix.utf8CodeUnitCount + FastAnswer.suffix.utf8CodeUnitCount + max(0, eventIds.count - 1)
            + eventIds.reduce(0) { $0 + perItem + $1.count }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var out = buffer.baseAddress!
            func put(_ source: UnsafePointer<UInt8>, _ count: Int) {
                out.initialize(from: source, count: count)
                out += count
            }
            func put(_ text: StaticString) { put(text.utf8Start, text.utf8CodeUnitCount) }
            put(FastAnswer.prefix)
            for (index, eventId) in eventIds.enumerated() {
                if index > 0 { put(FastAnswer.comma) }
                put(FastAnswer.resultStart)
                put(FastAnswer.quote)
                put(raw.baseAddress! + eventId.lowerBound, eventId.count)
                put(FastAnswer.quote)
                put(FastAnswer.resultEnd)
            }
            put(FastAnswer.suffix)
            initialized = out - buffer.baseAddress!
        }
    }

    func ingestSingle(_ body: ParsedBody, raw: [UInt8], settings: EmulatorState.Settings, requestIndex: Int) -> Outcome {
        let result = judge(body.value, settings: settings)
        var outcome = Outcome(response: EmulatorHTTPResponse(status: 200, body: []), itemCount: 1)
        if result.error.isEmpty {
            outcome.accepted.append(
                requestIndex: requestIndex, position: 0, eventId: result.eventId ?? "",
                bytes: settings.recordItemBytes ? Array(raw[body.itemSpans[0]]) : [])
        } else {
            outcome.refusedCount = 1
        }
        outcome.response = Self.jsonResponse(status: result.error.isEmpty ? 200 : 400, ["result": result.jsonValue()])
        return outcome
    }

    /// The verdict on one item: schema first, then the business rule (only for schema-valid
    /// items), unless fast mode skips both. The eventId is echoed when the item has a string one,
    /// as the API does, and generated otherwise.
    func judge(_ item: JSONValue, settings: EmulatorState.Settings) -> ItemResult {
        let eventId = item["eventId"]?.stringValue ?? RandomIdentifier.uuidLike()
        if settings.fastMode {
            return ItemResult(eventId: eventId, error: "")
        }
        let violations = CustomerMetadataValidator.validate(item)
        if !violations.isEmpty {
            return ItemResult(
                eventId: eventId,
                error: "FAIL_BAD_PARAMS: ERROR: " + violations.map(\.description).joined(separator: "; ")
            )
        }
        if let prefix = settings.businessRulePrefix, !prefix.isEmpty,
           let customer = item["externalCustomerId"]?.stringValue, customer.hasPrefix(prefix) {
            return ItemResult(eventId: eventId, error: "FAIL_BUSINESS_RULE: ERROR: customer \(customer) is blocked")
        }
        return ItemResult(eventId: eventId, error: "")
    }
}

/// The fixed pieces of fast mode's answer, `{"errorCount":0,"results":[` … `]}`, shared by its
/// two writers.
private enum FastAnswer {
    static let prefix: StaticString = #"{"errorCount":0,"results":["#
    static let resultStart: StaticString = #"{"eventId":"#
    static let resultEnd: StaticString = #","error":""}"#
    static let suffix: StaticString = "]}"
    static let comma: StaticString = ","
    static let quote: StaticString = "\""

    static func bytes(_ text: StaticString) -> [UInt8] {
        Array(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
