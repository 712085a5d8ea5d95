import Testing
@testable import IngestionAPI

@Suite("EventID")
struct EventIDTests {
    static let topics = [
        "customer-events", "customer.events", "customer_events", "a.b", "a_b", "a-b", "", "é", "ü",
        String(repeating: "t", count: 249), String(repeating: "t", count: 248) + ".", String(repeating: ".", count: 249),
        "topic with spaces/and:colons", "😀",
    ]

    @Test("derived ids match the eventId schema", arguments: topics)
    func matchesSchema(topic: String) {
        for (partition, offset) in [(Int32(0), Int64(0)), (Int32.max, Int64.max), (-1, -1001), (7, 123_456_789)] {
            let id = EventID.derive(topic: topic, partition: partition, offset: offset)
            let item = JSONValue.object(["externalConversationId": "c", "externalCustomerId": "d", "eventId": .string(id)])
            #expect(CustomerMetadataValidator.validate(item) == [], "\(id)")
            #expect(id.utf8.count <= 256)
        }
    }

    @Test("deterministic, and distinct for distinct coordinates")
    func distinct() {
        #expect(EventID.derive(topic: "t.x", partition: 1, offset: 2) == EventID.derive(topic: "t.x", partition: 1, offset: 2))
        var seen = Set<String>()
        for topic in Self.topics {
            for partition: Int32 in [0, 1, 12] {
                for offset: Int64 in [0, 1, 21, 121] {
                    seen.insert(EventID.derive(topic: topic, partition: partition, offset: offset))
                }
            }
        }
        #expect(seen.count == Self.topics.count * 3 * 4)
    }

    @Test("topics that sanitise alike still differ")
    func sanitisingDoesNotCollide() {
        let a = EventID.derive(topic: "orders.eu", partition: 0, offset: 5)
        let b = EventID.derive(topic: "orders_eu", partition: 0, offset: 5)
        #expect(a != b)
        #expect(a.hasPrefix("orders_eu-"))
        #expect(b.hasPrefix("orders_eu-"))
    }

    @Test("the format is stable across releases")
    func stableFormat() {
        // FNV-1a 64 of "" is the offset basis; of "a" it is af63dc4c8601ec8c.
        #expect(EventID.derive(topic: "", partition: 0, offset: 0) == "-cbf29ce484222325-0-0")
        #expect(EventID.derive(topic: "a", partition: 3, offset: 42) == "a-af63dc4c8601ec8c-3-42")
    }
}

@Suite("EventID, ASCII fast path")
struct EventIDFastPathTests {
    @Test("the one-pass derivation of ASCII topics equals the scalar-by-scalar one", arguments: EventIDTests.topics + [
        "orders.eu", "A-Za-z0-9._-", String(repeating: "x.", count: 40), "t",
    ])
    func sameAsScalars(topic: String) {
        for (partition, offset) in [(Int32(0), Int64(0)), (Int32.max, Int64.max), (Int32.min, Int64.min), (-1, -1001), (7, 123_456_789)] {
            #expect(EventID.derive(topic: topic, partition: partition, offset: offset)
                == EventID.deriveFromScalars(topic: topic, partition: partition, offset: offset))
        }
    }
}
