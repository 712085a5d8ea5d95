import IngestionAPI
import Logging
import NIOHTTP1
import Testing

/// The emulator over real loopback HTTP.
@Suite("IngestionAPIEmulator")
struct IngestionAPIEmulatorTests {
    static let configuration = IngestionAPIEmulator.Configuration(apiID: "test-id", apiSecret: "test-secret")
    static let auth = [("asapp-api-id", "test-id"), ("asapp-api-secret", "test-secret")]
    static let many = MetadataIngestionAPI.manyCustomerMetadataPath
    static let single = MetadataIngestionAPI.singleCustomerMetadataPath

    static let validItem = #"{"externalConversationId":"conv-1","externalCustomerId":"cust-1","eventId":"evt-1"}"#
    static let invalidItem = #"{"externalConversationId":"conv-2","externalCustomerId":"cust-2","eventId":"evt-2","phoneNumber":"call me"}"#
    static let blockedItem = #"{"externalConversationId":"conv-3","externalCustomerId":"refuse-3","eventId":"evt-3"}"#

    static func body(_ items: String...) -> [UInt8] {
        ManyCustomerMetadataRequest.body(items: items.map { Array($0.utf8) })
    }


    @Test("missing or wrong credentials get 401; changing them at runtime lets the sink in")
    func authentication() async throws {
        try await withEmulator { emulator, port in
            let body = Self.body(Self.validItem)
            let missing = try await TestHTTPClient.send(port: port, Self.many, body: body)
            #expect(missing.status == 401)
            #expect(missing.header("content-type") == "application/json")
            let error = try #require(APIErrorBody.decode(missing.body))
            #expect(error.code == "401-01")
            #expect(error.message == "Unauthorized")
            #expect(error.requestId?.utf8.count == 36)

            let wrong = try await TestHTTPClient.send(port: port, Self.many, headers: [("asapp-api-id", "test-id"), ("asapp-api-secret", "nope")], body: body)
            #expect(wrong.status == 401)

            emulator.setCredentials(id: "new-id", secret: "new-secret")
            let old = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: body)
            #expect(old.status == 401)
            let new = try await TestHTTPClient.send(port: port, Self.many, headers: [("Asapp-Api-Id", "new-id"), ("ASAPP-API-SECRET", "new-secret")], body: body)
            #expect(new.status == 200)
            #expect(emulator.stats.acceptedItems == 1)
            #expect(emulator.stats.responsesByStatus == [401: 3, 200: 1])
        }
    }

    @Test("a mixed batch gets 200 with per-item results in order")
    func partialSuccess() async throws {
        try await withEmulator { emulator, port in
            let withoutEventId = #"{ "externalConversationId" : "conv-4", "externalCustomerId":"cust-4", "extra": [1, 2] }"#
            let response = try await TestHTTPClient.send(
                port: port, Self.many, headers: Self.auth,
                body: Self.body(Self.validItem, Self.invalidItem, Self.blockedItem, withoutEventId)
            )
            #expect(response.status == 200)
            let decoded = try #require(ManyCustomerMetadataResponse.decode(response.body))
            #expect(decoded.errorCount == 2)
            #expect(decoded.results.count == 4)
            #expect(decoded.results[0] == ItemResult(eventId: "evt-1", error: ""))
            #expect(decoded.results[1] == ItemResult(
                eventId: "evt-2",
                error: #"FAIL_BAD_PARAMS: ERROR: phoneNumber: does not match pattern [0-9\-\.\(\)\+]+ (character 'c' at position 0)"#
            ))
            #expect(decoded.results[2] == ItemResult(eventId: "evt-3", error: "FAIL_BUSINESS_RULE: ERROR: customer refuse-3 is blocked"))
            let generated = try #require(decoded.results[3].eventId)
            #expect(generated.utf8.count == 36 && decoded.results[3].succeeded)

            // Accepted items are recorded byte for byte as sent.
            let accepted = emulator.acceptedItems()
            #expect(accepted.map(\.eventId) == ["evt-1", generated])
            #expect(accepted.map(\.position) == [0, 3])
            #expect(accepted[0].bytes == Array(Self.validItem.utf8))
            #expect(accepted[1].bytes == Array(withoutEventId.utf8))
            #expect(emulator.acceptedEventIds() == ["evt-1", generated])

            let stats = emulator.stats
            #expect(stats.requests == 1 && stats.acceptedItems == 2 && stats.refusedItems == 2)
            let record = try #require(emulator.requests().first)
            #expect(record.path == Self.many && record.method == "POST" && record.status == 200)
            #expect(record.itemCount == 4 && record.acceptedCount == 2 && record.refusedCount == 2)
        }
    }

    @Test("a batch where every item fails gets 400 with the same shape")
    func allInvalid() async throws {
        try await withEmulator { emulator, port in
            let response = try await TestHTTPClient.send(
                port: port, Self.many, headers: Self.auth,
                body: Self.body(Self.invalidItem, Self.blockedItem, #"{"externalCustomerId":5}"#, "[]")
            )
            #expect(response.status == 400)
            let decoded = try #require(ManyCustomerMetadataResponse.decode(response.body))
            #expect(decoded.errorCount == 4)
            #expect(decoded.results.allSatisfy { !$0.succeeded })
            #expect(decoded.results[2].error == "FAIL_BAD_PARAMS: ERROR: externalConversationId: required property is missing; externalCustomerId: expected type string, got number")
            #expect(decoded.results[3].error == "FAIL_BAD_PARAMS: ERROR: (item): expected type object, got array")
            #expect(emulator.acceptedItems().isEmpty)
            #expect(emulator.stats.refusedItems == 4)
        }
    }

    @Test("the business rule can be switched off and on at runtime")
    func businessRuleToggle() async throws {
        try await withEmulator { emulator, port in
            emulator.setBusinessRulePrefix(nil)
            let allowed = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: Self.body(Self.blockedItem))
            #expect(allowed.status == 200)
            emulator.setBusinessRulePrefix("cust-")
            let refused = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: Self.body(Self.validItem, Self.blockedItem))
            #expect(refused.status == 200)
            let results = try #require(ManyCustomerMetadataResponse.decode(refused.body)).results
            #expect(results.map(\.error) == ["FAIL_BUSINESS_RULE: ERROR: customer cust-1 is blocked", ""])
        }
    }

    @Test("request-level problems get 400 with an error body", arguments: [
        ("{", "invalid JSON at byte 1"),
        (#"{"items":[1,]}"#, "invalid JSON"),
        ("[]", "expected type object, got array"),
        (#"{"things":[]}"#, "items: required property is missing"),
        (#"{"items":{}}"#, "items: expected type array, got object"),
        (#"{"items":[]}"#, "items: minItems 1 not met"),
        ("{\"items\":[" + Array(repeating: "{}", count: 1001).joined(separator: ",") + "]}", "items: maxItems 1000 exceeded (1001 items)"),
        (#"{"items":[{"a":1,"a":2}]}"#, "duplicate key"),
    ])
    func badRequests(body: String, messageFragment: String) async throws {
        try await withEmulator { emulator, port in
            let response = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: Array(body.utf8))
            #expect(response.status == 400)
            let error = try #require(APIErrorBody.decode(response.body))
            #expect(error.code == "400-01")
            #expect(error.message.contains(messageFragment), "\(error.message)")
        }
    }

    @Test("exactly 1000 items are accepted")
    func thousandItems() async throws {
        try await withEmulator { emulator, port in
            let items = (0..<1000).map { #"{"externalConversationId":"c\#($0)","externalCustomerId":"d","eventId":"e-\#($0)"}"# }
            let response = try await TestHTTPClient.send(
                port: port, Self.many, headers: Self.auth,
                body: ManyCustomerMetadataRequest.body(items: items.map { Array($0.utf8) })
            )
            #expect(response.status == 200)
            #expect(ManyCustomerMetadataResponse.decode(response.body)?.errorCount == 0)
            #expect(emulator.acceptedEventIds() == (0..<1000).map { "e-\($0)" })
        }
    }

    @Test("bodies over the size limit get 413, and the connection stays usable")
    func bodyTooLarge() async throws {
        try await withEmulator { emulator, port in
            emulator.setMaxBodyBytes(200)
            let small = Self.body(Self.validItem)
            let large = Self.body(Self.validItem, Self.validItem, Self.validItem)
            #expect(small.count <= 200 && large.count > 200)
            try await TestHTTPClient.withConnection(port: port) { connection in
                let refused = try await connection.send(Self.many, headers: Self.auth, body: large)
                #expect(refused.status == 413)
                #expect(APIErrorBody.decode(refused.body)?.code == "413-01")
                let accepted = try await connection.send(Self.many, headers: Self.auth, body: small)
                #expect(accepted.status == 200)
                // libcurl's "Expect: 100-continue" is honoured on both paths.
                let expectRefused = try await connection.send(Self.many, headers: Self.auth + [("expect", "100-continue")], body: large)
                #expect(expectRefused.status == 413)
                let expectAccepted = try await connection.send(Self.many, headers: Self.auth + [("expect", "100-continue")], body: small)
                #expect(expectAccepted.status == 200)
            }
            #expect(emulator.requests().map(\.status) == [413, 200, 413, 200])
        }
    }

    @Test("a status sequence answers the next requests, with Retry-After, then normal service resumes")
    func statusSequence() async throws {
        try await withEmulator { emulator, port in
            emulator.setStatusSequence([EmulatorFault.Status(503, retryAfter: "1"), EmulatorFault.Status(429, retryAfter: "2"), EmulatorFault.Status(500)])
            let body = Self.body(Self.validItem, Self.invalidItem)
            try await TestHTTPClient.withConnection(port: port) { connection in
                let first = try await connection.send(Self.many, headers: Self.auth, body: body)
                #expect(first.status == 503)
                #expect(first.header("retry-after") == "1")
                #expect(APIErrorBody.decode(first.body)?.code == "503-01")
                #expect(APIErrorBody.decode(first.body)?.message == "Service Unavailable")
                let second = try await connection.send(Self.many, headers: Self.auth, body: body)
                #expect(second.status == 429)
                #expect(second.header("retry-after") == "2")
                #expect(APIErrorBody.decode(second.body)?.message == "Too Many Requests")
                let third = try await connection.send(Self.many, headers: Self.auth, body: body)
                #expect(third.status == 500)
                #expect(third.header("retry-after") == nil)
                let fourth = try await connection.send(Self.many, headers: Self.auth, body: body)
                #expect(fourth.status == 200)
            }
            let records = emulator.requests()
            #expect(records.map(\.status) == [503, 429, 500, 200])
            #expect(records.map(\.retryAfter) == ["1", "2", nil, nil])
            // Faulted attempts still show how many items they carried.
            #expect(records.map(\.itemCount) == [2, 2, 2, 2])
            #expect(records.map(\.index) == [0, 1, 2, 3])
            #expect(emulator.acceptedEventIds() == ["evt-1"])
        }
    }

    @Test("an outage answers every request until cleared")
    func outage() async throws {
        try await withEmulator { emulator, port in
            emulator.setOutage(status: 503, for: .seconds(600), retryAfter: "30")
            for _ in 0..<3 {
                let response = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: Self.body(Self.validItem))
                #expect(response.status == 503)
                #expect(response.header("retry-after") == "30")
            }
            // Faults take precedence over authentication, as a failing gateway would.
            let unauthenticated = try await TestHTTPClient.send(port: port, Self.many, body: Self.body(Self.validItem))
            #expect(unauthenticated.status == 503)
            emulator.clearOutage()
            let after = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: Self.body(Self.validItem))
            #expect(after.status == 200)
        }
    }

    @Test("latency delays each response")
    func latency() async throws {
        try await withEmulator { emulator, port in
            emulator.setLatency(.milliseconds(150))
            let clock = ContinuousClock()
            let start = clock.now
            try await TestHTTPClient.withConnection(port: port) { connection in
                let first = try await connection.send(Self.many, headers: Self.auth, body: Self.body(Self.validItem))
                #expect(first.status == 200)
                let second = try await connection.send(Self.many, headers: Self.auth, body: Self.body(Self.validItem))
                #expect(second.status == 200)
            }
            #expect(clock.now - start >= .milliseconds(300))
            // The request is logged when it is processed, before its delayed answer is sent.
            #expect(emulator.stats.requests == 2)
        }
    }

    @Test("fast mode answers success for every item without validating")
    func fastMode() async throws {
        try await withEmulator { emulator, port in
            emulator.setFastMode(true)
            let response = try await TestHTTPClient.send(
                port: port, Self.many, headers: Self.auth,
                body: Self.body(Self.validItem, Self.invalidItem, Self.blockedItem, "7")
            )
            #expect(response.status == 200)
            let decoded = try #require(ManyCustomerMetadataResponse.decode(response.body))
            #expect(decoded.errorCount == 0)
            #expect(decoded.results.map(\.succeeded) == [true, true, true, true])
            #expect(decoded.results.prefix(3).map(\.eventId) == ["evt-1", "evt-2", "evt-3"])
            #expect(emulator.stats.acceptedItems == 4)
            // Still authenticated.
            let unauthenticated = try await TestHTTPClient.send(port: port, Self.many, body: Self.body(Self.validItem))
            #expect(unauthenticated.status == 401)
        }
    }

    @Test("fast mode without item bytes: plain eventIds are answered and logged as the general writer would")
    func fastModePlainEventIds() async throws {
        var configuration = Self.configuration
        configuration.recordItemBytes = false
        try await withEmulator(configuration) { emulator, port in
            emulator.setFastMode(true)
            let eventIds = ["evt-1", "é-2", String(repeating: "x", count: 300), "evt-1"]
            let items = eventIds.map { #"{"eventId":"\#($0)","anything":[1,{"eventId":"nested"}]}"# }
            for request in 0..<2 {
                let response = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: ManyCustomerMetadataRequest.body(items: items[request...].map { Array($0.utf8) }))
                #expect(response.status == 200)
                let expected: JSONValue = [
                    "errorCount": .integer(0),
                    "results": .array(eventIds[request...].map { ["eventId": .string($0), "error": ""] }),
                ]
                #expect(response.body == expected.serialized(), "\(String(decoding: response.body, as: UTF8.self))")
            }
            #expect(emulator.acceptedItems() == eventIds.indices.map { EmulatorAcceptedItem(requestIndex: 0, position: $0, eventId: eventIds[$0], bytes: []) }
                + eventIds.indices.dropFirst().map { EmulatorAcceptedItem(requestIndex: 1, position: $0 - 1, eventId: eventIds[$0], bytes: []) })
        }
    }

    @Test("recordItemBytes off keeps eventIds but not bytes")
    func withoutItemBytes() async throws {
        var configuration = Self.configuration
        configuration.recordItemBytes = false
        try await withEmulator(configuration) { emulator, port in
            _ = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: Self.body(Self.validItem))
            #expect(emulator.acceptedItems() == [EmulatorAcceptedItem(requestIndex: 0, position: 0, eventId: "evt-1", bytes: [])])
        }
    }

    @Test("the single endpoint validates one item")
    func singleEndpoint() async throws {
        try await withEmulator { emulator, port in
            let sent = "  \(Self.validItem)\n"
            let ok = try await TestHTTPClient.send(port: port, Self.single, headers: Self.auth, body: Array(sent.utf8))
            #expect(ok.status == 200)
            #expect(SingleCustomerMetadataResponse.decode(ok.body)?.result == ItemResult(eventId: "evt-1", error: ""))
            #expect(emulator.acceptedItems().first?.bytes == Array(Self.validItem.utf8))

            let bad = try await TestHTTPClient.send(port: port, Self.single, headers: Self.auth, body: Array(Self.invalidItem.utf8))
            #expect(bad.status == 400)
            let badResult = try #require(SingleCustomerMetadataResponse.decode(bad.body)?.result)
            #expect(badResult.eventId == "evt-2")
            #expect(badResult.error.hasPrefix("FAIL_BAD_PARAMS: ERROR: phoneNumber: does not match pattern"))

            let blocked = try await TestHTTPClient.send(port: port, Self.single, headers: Self.auth, body: Array(Self.blockedItem.utf8))
            #expect(blocked.status == 400)
            #expect(SingleCustomerMetadataResponse.decode(blocked.body)?.result.error == "FAIL_BUSINESS_RULE: ERROR: customer refuse-3 is blocked")

            let notObject = try await TestHTTPClient.send(port: port, Self.single, headers: Self.auth, body: Array(#"["x"]"#.utf8))
            #expect(notObject.status == 400)
            #expect(SingleCustomerMetadataResponse.decode(notObject.body)?.result.error == "FAIL_BAD_PARAMS: ERROR: (item): expected type object, got array")

            let unauthenticated = try await TestHTTPClient.send(port: port, Self.single, body: Array(Self.validItem.utf8))
            #expect(unauthenticated.status == 401)
            #expect(emulator.stats == EmulatorStats(requests: 5, acceptedItems: 1, refusedItems: 3, responsesByStatus: [200: 1, 400: 3, 401: 1]))
        }
    }

    @Test("unknown paths get 404, wrong methods 405")
    func routing() async throws {
        try await withEmulator { emulator, port in
            let unknown = try await TestHTTPClient.send(port: port, "/metadata-ingestion/v1/many-agent-metadata", headers: Self.auth, body: Self.body(Self.validItem))
            #expect(unknown.status == 404)
            #expect(APIErrorBody.decode(unknown.body)?.code == "404-01")
            let get = try await TestHTTPClient.send(port: port, .GET, Self.many, headers: Self.auth)
            #expect(get.status == 405)
            #expect(get.header("allow") == "POST")
            let query = try await TestHTTPClient.send(port: port, Self.many + "?trace=1", headers: Self.auth, body: Self.body(Self.validItem))
            #expect(query.status == 200)
            #expect(emulator.requests().map(\.status) == [404, 405, 200])
        }
    }

    @Test("one keep-alive connection serves many requests; Connection: close is honoured")
    func keepAlive() async throws {
        try await withEmulator { emulator, port in
            try await TestHTTPClient.withConnection(port: port) { connection in
                for index in 0..<5 {
                    let item = #"{"externalConversationId":"c","externalCustomerId":"d","eventId":"k-\#(index)"}"#
                    let response = try await connection.send(Self.many, headers: Self.auth, body: Self.body(item))
                    #expect(response.status == 200)
                    #expect(response.header("connection") != "close")
                }
                let last = try await connection.send(Self.many, headers: Self.auth + [("connection", "close")], body: Self.body(Self.validItem))
                #expect(last.status == 200)
                #expect(last.header("connection") == "close")
                #expect(try await connection.isClosedByServer())
            }
            #expect(emulator.stats.acceptedItems == 6)
        }
    }

    @Test("waiting for accepted items resumes when they arrive")
    func waitForItems() async throws {
        try await withEmulator { emulator, port in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await emulator.waitForAcceptedItems(count: 2) }
                group.addTask { try await emulator.waitForRequests(count: 2) }
                for _ in 0..<2 {
                    _ = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: Self.body(Self.validItem))
                }
                try await group.waitForAll()
            }
            // Already satisfied: returns at once.
            try await emulator.waitForAcceptedItems(count: 1)

            // Cancellation ends a wait that would never be satisfied.
            let waiter = Task { try await emulator.waitForAcceptedItems(count: 1_000) }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
        }
    }

    @Test("shutdown fails pending waits and stops serving")
    func shutdown() async throws {
        let emulator = IngestionAPIEmulator(configuration: Self.configuration)
        try await emulator.start()
        let port = try #require(emulator.port)
        let waiter = Task { try await emulator.waitForAcceptedItems(count: 1) }
        let running = Task { try await emulator.runUntilShutdown() }
        try await emulator.shutdown()
        await #expect(throws: EmulatorError.shutDown) { try await waiter.value }
        try await running.value
        #expect(emulator.port == nil)
        // Normally refused; should another test's emulator have taken the port since, it is
        // not this emulator that answers.
        _ = try? await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: Self.body(Self.validItem))
        #expect(emulator.stats.requests == 0)
        try await emulator.shutdown()
        await #expect(throws: EmulatorError.alreadyStarted) { try await emulator.start() }
    }
}

/// Runs `body` against an emulator on a free loopback port, shut down afterwards whatever
/// happens. Shared by the emulator's suites.
func withEmulator(
    _ configuration: IngestionAPIEmulator.Configuration = IngestionAPIEmulatorTests.configuration,
    _ body: (IngestionAPIEmulator, Int) async throws -> Void
) async throws {
    let emulator = IngestionAPIEmulator(configuration: configuration, logger: Logger(label: "test-emulator"))
    let url = try await emulator.start()
    let port = try #require(emulator.port)
    #expect(url == "http://127.0.0.1:\(port)")
    do {
        try await body(emulator, port)
    } catch {
        try await emulator.shutdown()
        throw error
    }
    try await emulator.shutdown()
}
