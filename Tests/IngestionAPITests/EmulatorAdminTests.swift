import IngestionAPI
import NIOHTTP1
import Testing

/// The `/_emulator/` endpoints, as used when the emulator runs as its own process.
@Suite("IngestionAPIEmulator admin endpoints")
struct EmulatorAdminTests {
    static let auth = IngestionAPIEmulatorTests.auth
    static let many = MetadataIngestionAPI.manyCustomerMetadataPath

    func postFaults(_ port: Int, _ json: String) async throws -> TestResponse {
        try await TestHTTPClient.send(port: port, "/_emulator/faults", body: Array(json.utf8))
    }

    func send(_ port: Int, _ items: String..., headers: [(String, String)] = auth) async throws -> TestResponse {
        try await TestHTTPClient.send(port: port, Self.many, headers: headers, body: ManyCustomerMetadataRequest.body(items: items.map { Array($0.utf8) }))
    }

    @Test("wait answers once the items are accepted, or at its timeout; a bad query is refused")
    func longPoll() async throws {
        try await withEmulator { _, port in
            let clock = ContinuousClock()
            var start = clock.now
            let timedOut = try await TestHTTPClient.send(port: port, .GET, "/_emulator/wait?acceptedItems=1&timeoutMs=200")
            #expect(timedOut.status == 200)
            #expect(timedOut.json?["met"] == false)
            #expect(clock.now - start >= .milliseconds(200), "answered at its timeout, not before")

            start = clock.now
            let waiting = Task { try await TestHTTPClient.send(port: port, .GET, "/_emulator/wait?acceptedItems=2&timeoutMs=30000") }
            #expect(try await send(port, IngestionAPIEmulatorTests.validItem).status == 200)
            #expect(try await send(port, IngestionAPIEmulatorTests.validItem).status == 200)
            let met = try await waiting.value
            #expect(met.status == 200)
            #expect(met.json?["met"] == true)
            #expect(met.json?["stats"]?["acceptedItems"]?.intValue == 2)
            #expect(clock.now - start < .seconds(20), "answered when the items were accepted, not at its timeout")

            for query in ["", "acceptedItems=x", "acceptedItems=1&timeoutMs=-1", "acceptedItems=1&other=2", "timeoutMs=5"] {
                let refused = try await TestHTTPClient.send(port: port, .GET, "/_emulator/wait?\(query)")
                #expect(refused.status == 400, "\(query)")
            }
        }
    }

    @Test("faults, stats, requests, accepted and reset over HTTP")
    func adminRoundTrip() async throws {
        try await withEmulator { emulator, port in
            let set = try await postFaults(port, #"{"statusSequence":[{"status":503,"retryAfter":"1"},{"status":429,"retryAfter":2}]}"#)
            #expect(set.status == 200)
            #expect(set.json == ["ok": true])

            let first = try await send(port, IngestionAPIEmulatorTests.validItem)
            #expect(first.status == 503)
            #expect(first.header("retry-after") == "1")
            let second = try await send(port, IngestionAPIEmulatorTests.validItem)
            #expect(second.status == 429)
            #expect(second.header("retry-after") == "2")
            let third = try await send(port, IngestionAPIEmulatorTests.validItem, IngestionAPIEmulatorTests.invalidItem)
            #expect(third.status == 200)

            let stats = try await TestHTTPClient.send(port: port, .GET, "/_emulator/stats")
            #expect(stats.status == 200)
            #expect(stats.json == [
                "requests": 3, "acceptedItems": 1, "refusedItems": 1,
                "responsesByStatus": ["200": 1, "429": 1, "503": 1],
            ])

            let requests = try #require(try await TestHTTPClient.send(port: port, .GET, "/_emulator/requests").json?["requests"]?.arrayValue)
            #expect(requests.map { $0["status"]?.intValue } == [503, 429, 200])
            #expect(requests.map { $0["itemCount"]?.intValue } == [1, 1, 2])
            #expect(requests.map { $0["retryAfter"]?.stringValue } == ["1", "2", nil])
            // The first item's eventId matches the attempts of one batch.
            #expect(requests.map { $0["firstEventId"]?.stringValue } == ["evt-1", "evt-1", "evt-1"])
            #expect(requests.allSatisfy { $0["path"]?.stringValue == Self.many && $0["receivedAtMs"]?.intValue != nil })

            let accepted = try await TestHTTPClient.send(port: port, .GET, "/_emulator/accepted")
            #expect(accepted.json == ["count": 1, "eventIds": ["evt-1"]])
            let withItems = try await TestHTTPClient.send(port: port, .GET, "/_emulator/accepted?items=true")
            #expect(withItems.json?["items"]?.arrayValue?.first?["item"] == (try JSONParser.parse(IngestionAPIEmulatorTests.validItem)))

            // Admin calls are not API requests.
            #expect(emulator.stats.requests == 3)

            let reset = try await TestHTTPClient.send(port: port, "/_emulator/reset", body: [])
            #expect(reset.status == 200)
            #expect(emulator.stats == EmulatorStats())
            #expect(emulator.requests().isEmpty && emulator.acceptedItems().isEmpty)
        }
    }

    @Test("outage, latency, business rule, credentials, body limit and fast mode over HTTP")
    func settingsOverHTTP() async throws {
        try await withEmulator { emulator, port in
            #expect(try await postFaults(port, #"{"outage":{"seconds":600,"retryAfter":"5"}}"#).status == 200)
            let down = try await send(port, IngestionAPIEmulatorTests.validItem)
            #expect(down.status == 503)
            #expect(down.header("retry-after") == "5")
            #expect(try await postFaults(port, #"{"outage":null}"#).status == 200)
            #expect(try await send(port, IngestionAPIEmulatorTests.validItem).status == 200)

            #expect(try await postFaults(port, #"{"outage":{"status":502,"seconds":600}}"#).status == 200)
            #expect(try await send(port, IngestionAPIEmulatorTests.validItem).status == 502)
            #expect(try await postFaults(port, #"{"outage":{"status":503,"seconds":0}}"#).status == 200)
            #expect(try await send(port, IngestionAPIEmulatorTests.validItem).status == 200)

            #expect(try await postFaults(port, #"{"businessRulePrefix":null}"#).status == 200)
            #expect(try await send(port, IngestionAPIEmulatorTests.blockedItem).status == 200)
            #expect(try await postFaults(port, #"{"businessRulePrefix":"refuse-"}"#).status == 200)
            #expect(try await send(port, IngestionAPIEmulatorTests.blockedItem).status == 400)

            #expect(try await postFaults(port, #"{"credentials":{"id":"a","secret":"b"}}"#).status == 200)
            #expect(try await send(port, IngestionAPIEmulatorTests.validItem).status == 401)
            #expect(try await send(port, IngestionAPIEmulatorTests.validItem, headers: [("asapp-api-id", "a"), ("asapp-api-secret", "b")]).status == 200)

            #expect(try await postFaults(port, #"{"maxBodyBytes":10,"fastMode":true,"latencyMs":0}"#).status == 200)
            #expect(try await send(port, IngestionAPIEmulatorTests.validItem, headers: [("asapp-api-id", "a"), ("asapp-api-secret", "b")]).status == 413)
            #expect(try await postFaults(port, #"{"maxBodyBytes":100000}"#).status == 200)
            let fast = try await send(port, IngestionAPIEmulatorTests.invalidItem, headers: [("asapp-api-id", "a"), ("asapp-api-secret", "b")])
            #expect(fast.status == 200)

            // Reset restores the initial configuration.
            emulator.reset()
            #expect(try await send(port, IngestionAPIEmulatorTests.validItem).status == 200)
            #expect(try await send(port, IngestionAPIEmulatorTests.invalidItem).status == 400)
        }
    }

    @Test("latency over HTTP delays answers")
    func latencyOverHTTP() async throws {
        try await withEmulator { _, port in
            let set = try await postFaults(port, #"{"latencyMs":120}"#)
            #expect(set.status == 200)
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await send(port, IngestionAPIEmulatorTests.validItem)
            #expect(response.status == 200)
            #expect(clock.now - start >= .milliseconds(120))
        }
    }

    @Test("malformed fault requests are refused without changing anything", arguments: [
        "not json", "[]", #"{"statusSequence":{}}"#, #"{"statusSequence":[{"status":99}]}"#,
        #"{"statusSequence":[{"retryAfter":"1"}]}"#, #"{"outage":{"status":503}}"#, #"{"outage":5}"#,
        #"{"latencyMs":-1}"#, #"{"latencyMs":1e400}"#, #"{"outage":{"seconds":1e300}}"#, #"{"businessRulePrefix":5}"#, #"{"credentials":{"id":"x"}}"#,
        #"{"maxBodyBytes":1.5}"#, #"{"fastMode":"yes"}"#, #"{"statusSequence":[],"typo":1}"#,
    ])
    func malformedFaults(body: String) async throws {
        try await withEmulator { _, port in
            let response = try await postFaults(port, body)
            #expect(response.status == 400)
            #expect(APIErrorBody.decode(response.body)?.code == "400-01")
            #expect(try await send(port, IngestionAPIEmulatorTests.validItem).status == 200)
        }
    }

    @Test("admin routing: unknown 404, wrong method 405")
    func adminRouting() async throws {
        try await withEmulator { emulator, port in
            #expect(try await TestHTTPClient.send(port: port, .GET, "/_emulator/nothing").status == 404)
            let wrong = try await TestHTTPClient.send(port: port, .GET, "/_emulator/faults")
            #expect(wrong.status == 405)
            #expect(wrong.header("allow") == "POST")
            #expect(try await TestHTTPClient.send(port: port, "/_emulator/stats", body: []).status == 405)
            #expect(emulator.stats.requests == 0)
        }
    }
}
