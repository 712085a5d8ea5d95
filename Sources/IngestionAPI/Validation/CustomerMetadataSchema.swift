/// The item schema of `many-customer-metadata` / `single-customer-metadata`, transcribed from the
/// OpenAPI documents in `shared/spec`. Fields are listed in the document's order, which is the
/// order violations are reported in.
enum CustomerMetadataSchema {
    struct StringField: Sendable {
        let name: String
        let required: Bool
        let nullable: Bool
        let pattern: ASCIICharacterClass?
        let maxLength: Int?
        let emailFormat: Bool
    }

    static let stringFields: [StringField] = [
        StringField(name: "externalConversationId", required: true, nullable: false, pattern: .identifier, maxLength: 256, emailFormat: false),
        StringField(name: "externalCustomerId", required: true, nullable: false, pattern: .customerIdentifier, maxLength: 256, emailFormat: false),
        StringField(name: "eventId", required: false, nullable: true, pattern: .identifier, maxLength: 256, emailFormat: false),
        StringField(name: "status", required: false, nullable: true, pattern: .identifier, maxLength: 256, emailFormat: false),
        StringField(name: "phoneNumber", required: false, nullable: true, pattern: .phoneNumber, maxLength: 32, emailFormat: false),
        StringField(name: "emailAddress", required: false, nullable: true, pattern: nil, maxLength: nil, emailFormat: true),
        StringField(name: "userId", required: false, nullable: true, pattern: .identifier, maxLength: 256, emailFormat: false),
        StringField(name: "addressCountry", required: false, nullable: true, pattern: .identifier, maxLength: 128, emailFormat: false),
        StringField(name: "addressState", required: false, nullable: true, pattern: .identifier, maxLength: 128, emailFormat: false),
        StringField(name: "addressZipcode", required: false, nullable: true, pattern: .identifier, maxLength: 16, emailFormat: false),
    ]

    /// `attributes`: nullable array, not required, at most 10 items.
    static let attributes = "attributes"
    static let attributesMaxItems = 10
    /// Each attribute is an object; `name` and `value` are optional, not nullable, no pattern.
    static let attributeNameMaxLength = 256
    static let attributeValueMaxLength = 1024

    /// Slot of each known property, for a single pass over an item's members.
    static func slot(of key: String) -> Int? {
        switch key {
        case "externalConversationId": 0
        case "externalCustomerId": 1
        case "eventId": 2
        case "status": 3
        case "phoneNumber": 4
        case "emailAddress": 5
        case "userId": 6
        case "addressCountry": 7
        case "addressState": 8
        case "addressZipcode": 9
        case "attributes": 10
        default: nil
        }
    }

    static let slotCount = 11
}
