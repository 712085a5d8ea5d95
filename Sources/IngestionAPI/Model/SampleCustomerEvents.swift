/// Deterministic sample events shaped like the spec's example, for the demo, the benchmark and
/// tests: valid ones, schema-invalid ones, malformed JSON, and ones the emulator's business rule
/// refuses (their `externalCustomerId` starts with the emulator's default prefix `refuse-`).
public enum SampleCustomerEvents {
    public enum Kind: String, Sendable, CaseIterable {
        case valid
        case schemaInvalid
        case malformed
        case businessRefused
    }

    /// The kind of the `index`-th event for an invalid ratio: `ratio` of the events are bad,
    /// spread evenly over the three bad kinds and across the sequence.
    public static func kind(at index: Int, invalidRatio: Double) -> Kind {
        let ratio = min(max(invalidRatio, 0), 1)
        // Spread bad events evenly: event i is bad when floor((i+1)·r) > floor(i·r).
        let bad = Int(Double(index + 1) * ratio) > Int(Double(index) * ratio)
        guard bad else { return .valid }
        let badIndex = Int(Double(index) * ratio)
        switch badIndex % 3 {
        case 0: return .schemaInvalid
        case 1: return .malformed
        default: return .businessRefused
        }
    }

    /// The `index`-th event of a kind, as the bytes a producer would write.
    public static func value(index: Int, kind: Kind) -> [UInt8] {
        switch kind {
        case .valid:
            return customer(index: index).serialized()
        case .businessRefused:
            return customer(index: index, customerId: "refuse-customer-\(index)").serialized()
        case .schemaInvalid:
            var bad = customer(index: index, customerId: "customer \(index)")  // a space breaks the pattern
            bad.phoneNumber = "call me"
            return bad.serialized()
        case .malformed:
            return Array("{\"externalConversationId\": \"conv-\(index)\", \"externalCustomerId\": ".utf8)
        }
    }

    /// The `index`-th valid customer, every property set and two attributes, like the spec's
    /// example. Every fifth has no `eventId` (the sink derives one, as it must for producers that
    /// leave it out); the others carry `<eventIdPrefix>-<index>`.
    public static func customer(index: Int, customerId: String? = nil, eventIdPrefix: String = "event") -> CustomerMetadata {
        CustomerMetadata(
            externalConversationId: "conv-\(index)",
            externalCustomerId: customerId ?? "555.555.\(format4(index % 10_000))-user\(index)@example.com",
            eventId: index % 5 == 0 ? nil : "\(eventIdPrefix)-\(index)",
            status: index % 2 == 0 ? "new" : "existing",
            phoneNumber: "(555)555-\(format4(index % 10_000))",
            emailAddress: "user\(index)@example.com",
            userId: "user\(index)",
            addressCountry: "United-States",
            addressState: "New-York",
            addressZipcode: "10001",
            attributes: [
                .init(name: "attr1_name", value: "attr1_value"),
                .init(name: "attr2_name", value: "attr2_value"),
            ]
        )
    }

    private static func format4(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
