import IngestionAPI
import Logging
import Testing

/// Fast mode, for benchmarks: every body parsed, every item answered and accepted, none validated.
@Suite("IngestionAPIEmulator fast mode")
struct EmulatorFastModeTests {
    static let auth = IngestionAPIEmulatorTests.auth
    static let many = IngestionAPIEmulatorTests.many

    func withFastEmulator(_ body: (IngestionAPIEmulator, Int) async throws -> Void) async throws {
        var configuration = IngestionAPIEmulatorTests.configuration
        configuration.fastMode = true
        try await withEmulator(configuration, body)
    }

    @Test("every item is accepted and answered in order, its eventId echoed or generated, invalid ones too")
    func acceptsEveryItem() async throws {
        try await withFastEmulator { emulator, port in
            let items = [
                IngestionAPIEmulatorTests.validItem, IngestionAPIEmulatorTests.invalidItem, IngestionAPIEmulatorTests.blockedItem,
                #"{"externalConversationId":"c","externalCustomerId":"d"}"#, #""not an object""#,
                #"{"eventId":"esc\u0061ped"}"#,
            ]
            let body = ManyCustomerMetadataRequest.body(items: items.map { Array($0.utf8) })
            let response = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: body)
            #expect(response.status == 200)
            let decoded = try #require(ManyCustomerMetadataResponse.decode(response.body))
            #expect(decoded.errorCount == 0)
            #expect(decoded.results.count == 6)
            #expect(decoded.results.allSatisfy { $0.succeeded })
            #expect(decoded.results.map(\.eventId).prefix(3) == ["evt-1", "evt-2", "evt-3"])
            #expect(decoded.results[3].eventId?.utf8.count == 36, "generated")
            #expect(decoded.results[4].eventId?.utf8.count == 36, "generated")
            #expect(decoded.results[5].eventId == "escaped")
            #expect(emulator.stats.acceptedItems == 6)
            #expect(emulator.acceptedEventIds() == decoded.results.compactMap(\.eventId))
            // Accepted items keep their bytes as sent.
            #expect(emulator.acceptedItems().map { String(decoding: $0.bytes, as: UTF8.self) } == items)
        }
    }

    @Test("malformed bodies, empty or oversized item lists, faults and bad credentials are answered as in normal mode")
    func generalAnswers() async throws {
        try await withFastEmulator { emulator, port in
            let malformed = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: Array(#"{"items":[1,]}"#.utf8))
            #expect(malformed.status == 400)
            #expect(APIErrorBody.decode(malformed.body)?.message.hasPrefix("Bad Request: ") == true)

            let empty = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: Array(#"{"items":[]}"#.utf8))
            #expect(empty.status == 400)
            #expect(APIErrorBody.decode(empty.body)?.message.contains("minItems") == true)

            let tooMany = ManyCustomerMetadataRequest.body(items: Array(repeating: Array("{}".utf8), count: 1001))
            let refused = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: tooMany)
            #expect(refused.status == 400)
            #expect(APIErrorBody.decode(refused.body)?.message.contains("maxItems") == true)

            let body = ManyCustomerMetadataRequest.body(items: [Array(IngestionAPIEmulatorTests.validItem.utf8)])
            let unauthorized = try await TestHTTPClient.send(port: port, Self.many, body: body)
            #expect(unauthorized.status == 401)

            emulator.setStatusSequence([EmulatorFault.Status(503, retryAfter: "1")])
            let faulted = try await TestHTTPClient.send(port: port, Self.many, headers: Self.auth, body: body)
            #expect(faulted.status == 503)
            #expect(faulted.header("retry-after") == "1")

            #expect(emulator.stats.acceptedItems == 0)
            // Item counts are logged for faulted and refused requests too.
            #expect(emulator.requests().map(\.itemCount) == [0, 0, 1001, 1, 1])
        }
    }
}
