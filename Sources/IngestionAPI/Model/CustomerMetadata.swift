/// A customer metadata item as the API defines it, for code that builds items (sample events,
/// tests, the demo). The sink itself validates and forwards raw JSON and does not round-trip
/// records through this type, so unknown properties survive.
///
/// `nil` means "absent": `jsonValue()` and `Codable` omit nil properties rather than writing
/// `null`. Building an instance does not validate it; use `CustomerMetadataValidator`.
public struct CustomerMetadata: Sendable, Equatable, Codable {
    public var externalConversationId: String
    public var externalCustomerId: String
    public var eventId: String?
    public var status: String?
    public var phoneNumber: String?
    public var emailAddress: String?
    public var userId: String?
    public var addressCountry: String?
    public var addressState: String?
    public var addressZipcode: String?
    public var attributes: [Attribute]?

    /// One name/value pair. Both are optional in the schema (but not nullable).
    public struct Attribute: Sendable, Equatable, Codable {
        public var name: String?
        public var value: String?

        public init(name: String?, value: String?) {
            self.name = name
            self.value = value
        }
    }

    public init(
        externalConversationId: String,
        externalCustomerId: String,
        eventId: String? = nil,
        status: String? = nil,
        phoneNumber: String? = nil,
        emailAddress: String? = nil,
        userId: String? = nil,
        addressCountry: String? = nil,
        addressState: String? = nil,
        addressZipcode: String? = nil,
        attributes: [Attribute]? = nil
    ) {
        self.externalConversationId = externalConversationId
        self.externalCustomerId = externalCustomerId
        self.eventId = eventId
        self.status = status
        self.phoneNumber = phoneNumber
        self.emailAddress = emailAddress
        self.userId = userId
        self.addressCountry = addressCountry
        self.addressState = addressState
        self.addressZipcode = addressZipcode
        self.attributes = attributes
    }
}
