import Logging
import NIOHTTP1

/// The `/_emulator/` test hooks: inspect what was received and script faults over HTTP, for when
/// the emulator runs as a separate process. They are unauthenticated by design; the emulator is
/// a test tool and must never be exposed beyond a test network.
extension EmulatorService {
    func handleAdmin(_ request: EmulatorHTTPRequest, path: Substring, now: ContinuousClock.Instant) -> EmulatorHTTPResponse {
        let route = path.dropFirst(Self.adminPrefix.count)
        let query = request.uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        let expectedMethod: HTTPMethod
        switch route {
        case "stats", "requests", "accepted", "wait": expectedMethod = .GET
        case "faults", "reset": expectedMethod = .POST
        default: return Self.errorResponse(status: 404)
        }
        guard request.method == expectedMethod else {
            var response = Self.errorResponse(status: 405)
            response.headers.append(("allow", expectedMethod.rawValue))
            return response
        }
        if request.bodyTooLarge {
            return Self.errorResponse(status: 413)
        }
        switch route {
        case "stats":
            return Self.jsonResponse(Self.statsJSON(state.withLock { $0.stats }))
        case "wait":
            // `?acceptedItems=N[&timeoutMs=T]`: a long poll, answered by `answerWait`.
            var count: Int?
            var milliseconds = 10_000
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let value = Int(parts[1]), value >= 0 else {
                    return Self.errorResponse(status: 400, message: "Bad Request: \(pair): expected a name=number pair")
                }
                switch parts[0] {
                case "acceptedItems": count = value
                case "timeoutMs": milliseconds = min(value, 60_000)
                default: return Self.errorResponse(status: 400, message: "Bad Request: unknown parameter \(parts[0])")
                }
            }
            guard let count else {
                return Self.errorResponse(status: 400, message: "Bad Request: acceptedItems is required")
            }
            var response = EmulatorHTTPResponse(status: 200, body: [])
            response.awaiting = (.acceptedItems(count), .milliseconds(milliseconds))
            return response
        case "requests":
            let records = state.withLock { $0.requests }
            return Self.jsonResponse(["requests": .array(records.map(requestJSON))])
        case "accepted":
            let accepted = state.withLock { $0.accepted }.items
            var members: [(key: String, value: JSONValue)] = [
                ("count", .integer(accepted.count)),
                ("eventIds", .array(accepted.map { .string($0.eventId) })),
            ]
            // `?items=true` adds the items themselves, for demos and debugging.
            if query.split(separator: "&").contains(where: { $0 == "items=true" || $0 == "items=1" }) {
                members.append(("items", .array(accepted.map { item in
                    [
                        "requestIndex": .integer(item.requestIndex), "position": .integer(item.position),
                        "eventId": .string(item.eventId), "item": item.json ?? .null,
                    ]
                })))
            }
            return Self.jsonResponse(.object(JSONObject(members)))
        case "faults":
            switch FaultUpdate.parse(request.body) {
            case .failure(let problem):
                return Self.errorResponse(status: 400, message: "Bad Request: \(problem.message)")
            case .success(let update):
                apply(update, now: now)
                return Self.jsonResponse(["ok": true])
            }
        default: // "reset"
            state.withLock { $0.reset() }
            logger.info("emulator reset")
            return Self.jsonResponse(["ok": true])
        }
    }

    /// The answer to `/_emulator/wait`: once `condition` holds, or when `timeout` has passed,
    /// whether it holds (`met`) and the counters (`stats`). Lets a benchmark await the
    /// emulator's acceptance of a backlog instead of asking again and again, which cost CPU on
    /// the two cores it measures.
    func answerWait(_ condition: EmulatorState.Condition, timeout: Duration) async -> EmulatorHTTPResponse {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.wait(for: condition) }
            group.addTask { try? await Task.sleep(for: timeout) }
            // Whichever ends first; the other is cancelled (a cancelled wait leaves no waiter).
            await group.next()
            group.cancelAll()
        }
        let stats = state.withLock { $0.stats }
        return Self.jsonResponse(["met": .bool(condition.isMet(by: stats)), "stats": Self.statsJSON(stats)])
    }

    static func statsJSON(_ stats: EmulatorStats) -> JSONValue {
        let byStatus = stats.responsesByStatus.sorted { $0.key < $1.key }.map { (key: String($0.key), value: JSONValue.integer($0.value)) }
        return [
            "requests": .integer(stats.requests),
            "acceptedItems": .integer(stats.acceptedItems),
            "refusedItems": .integer(stats.refusedItems),
            "responsesByStatus": .object(JSONObject(byStatus)),
        ]
    }

    func requestJSON(_ record: EmulatorRequestRecord) -> JSONValue {
        let elapsed = record.receivedAt - createdAt
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        var members: [(key: String, value: JSONValue)] = [
            ("index", .integer(record.index)),
            ("receivedAtMs", .integer(milliseconds)),
            // Wall-clock arrival (the monotonic instant offset from a real-time reading taken at
            // start-up), comparable with Kafka record timestamps: the benchmark's latency end point.
            ("receivedAtUnixMicros", .integer(createdAtUnixMicroseconds + microseconds)),
            ("method", .string(record.method)),
            ("path", .string(record.path)),
            ("status", .integer(record.status)),
            ("itemCount", .integer(record.itemCount)),
            ("acceptedCount", .integer(record.acceptedCount)),
            ("refusedCount", .integer(record.refusedCount)),
        ]
        if let retryAfter = record.retryAfter {
            members.append(("retryAfter", .string(retryAfter)))
        }
        if let firstEventId = record.firstEventId {
            members.append(("firstEventId", .string(firstEventId)))
        }
        return .object(JSONObject(members))
    }

    func apply(_ update: FaultUpdate, now: ContinuousClock.Instant) {
        state.withLock { state in
            if let sequence = update.statusSequence { state.statusSequence = sequence }
            switch update.outage {
            case .none: break
            case .clear: state.outage = nil
            case .set(let status, let duration, let retryAfter):
                state.setOutage(status: status, retryAfter: retryAfter, until: now + duration)
            }
            if let latency = update.latency { state.settings.latency = latency }
            if let prefix = update.businessRulePrefix { state.settings.businessRulePrefix = prefix }
            if let credentials = update.credentials {
                state.settings.apiID = credentials.id
                state.settings.apiSecret = credentials.secret
            }
            if let maxBodyBytes = update.maxBodyBytes { state.settings.maxBodyBytes = maxBodyBytes }
            if let fastMode = update.fastMode { state.settings.fastMode = fastMode }
            if let recordItemBytes = update.recordItemBytes { state.settings.recordItemBytes = recordItemBytes }
        }
        // Which settings changed, never their secret values.
        logger.info("emulator faults updated", metadata: ["changed": "\(update.changedKeys.joined(separator: ","))"])
    }
}

/// A `POST /_emulator/faults` body. Every key is optional; present keys are applied together.
///
/// ```
/// {"statusSequence": [{"status": 503, "retryAfter": "1"}],
///  "outage": {"status": 503, "seconds": 20, "retryAfter": "5"} | null,
///  "latencyMs": 50, "businessRulePrefix": "refuse-" | null,
///  "credentials": {"id": "...", "secret": "..."}, "maxBodyBytes": 1048576,
///  "fastMode": true, "recordItemBytes": false}
/// ```
struct FaultUpdate: Sendable {
    enum OutageChange: Sendable {
        case none
        case clear
        case set(status: Int, duration: Duration, retryAfter: String?)
    }

    struct Problem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    var statusSequence: [EmulatorFault.Status]?
    var outage: OutageChange = .none
    var latency: Duration?
    /// `.some(nil)` turns the business rule off.
    var businessRulePrefix: String??
    var credentials: (id: String, secret: String)?
    var maxBodyBytes: Int?
    var fastMode: Bool?
    var recordItemBytes: Bool?
    var changedKeys: [String] = []

    /// A year: longer than any test, far from `Duration`'s limits.
    static let maxSeconds = 365.0 * 24 * 3600

    static func parse(_ body: [UInt8]) -> Result<FaultUpdate, Problem> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            return .failure(Problem("\(error)"))
        }
        guard case .object(let object) = value else { return .failure(Problem("expected a JSON object")) }
        var update = FaultUpdate()
        do {
            for (key, member) in object.members {
                update.changedKeys.append(key)
                switch key {
                case "statusSequence":
                    guard case .array(let entries) = member else { throw Problem("statusSequence must be an array") }
                    update.statusSequence = try entries.map { entry in
                        EmulatorFault.Status(try status(entry["status"], key: "statusSequence[].status"), retryAfter: try retryAfter(entry["retryAfter"]))
                    }
                case "outage":
                    if member.isNull {
                        update.outage = .clear
                    } else {
                        guard case .object = member else { throw Problem("outage must be an object or null") }
                        let statusCode = member["status"] == nil ? 503 : try status(member["status"], key: "outage.status")
                        // Bounded so the conversion to a Duration cannot overflow.
                        guard let seconds = member["seconds"]?.doubleValue, seconds >= 0, seconds <= maxSeconds else {
                            throw Problem("outage.seconds must be a number from 0 to \(Int(maxSeconds))")
                        }
                        update.outage = .set(status: statusCode, duration: .milliseconds(Int64(seconds * 1000)), retryAfter: try retryAfter(member["retryAfter"]))
                    }
                case "latencyMs":
                    guard let milliseconds = member.doubleValue, milliseconds >= 0, milliseconds <= maxSeconds * 1000 else {
                        throw Problem("latencyMs must be a number from 0 to \(Int(maxSeconds * 1000))")
                    }
                    update.latency = .microseconds(Int64(milliseconds * 1000))
                case "businessRulePrefix":
                    switch member {
                    case .null: update.businessRulePrefix = .some(nil)
                    case .string(let prefix): update.businessRulePrefix = .some(prefix)
                    default: throw Problem("businessRulePrefix must be a string or null")
                    }
                case "credentials":
                    guard let id = member["id"]?.stringValue, let secret = member["secret"]?.stringValue else {
                        throw Problem("credentials must be {\"id\": string, \"secret\": string}")
                    }
                    update.credentials = (id, secret)
                case "maxBodyBytes":
                    guard let bytes = member.intValue, bytes >= 0 else { throw Problem("maxBodyBytes must be an integer >= 0") }
                    update.maxBodyBytes = bytes
                case "fastMode":
                    guard let flag = member.boolValue else { throw Problem("fastMode must be a boolean") }
                    update.fastMode = flag
                case "recordItemBytes":
                    guard let flag = member.boolValue else { throw Problem("recordItemBytes must be a boolean") }
                    update.recordItemBytes = flag
                default:
                    // Refusing unknown keys catches typos that would otherwise silently do nothing.
                    throw Problem("unknown key \"\(key)\"")
                }
            }
        } catch let problem as Problem {
            return .failure(problem)
        } catch {
            return .failure(Problem("\(error)"))
        }
        return .success(update)
    }

    private static func status(_ value: JSONValue?, key: String) throws -> Int {
        guard let status = value?.intValue, (100...599).contains(status) else {
            throw Problem("\(key) must be an HTTP status code")
        }
        return status
    }

    /// `Retry-After` as a string (sent verbatim), a number of seconds, or absent/null.
    private static func retryAfter(_ value: JSONValue?) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .number(let text)?: return text
        default: throw Problem("retryAfter must be a string or a number")
        }
    }
}
