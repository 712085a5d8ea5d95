import Testing
import IngestionAPI

@Suite("CustomerMetadata")
struct CustomerMetadataTests {
    static let full = CustomerMetadata(
        externalConversationId: "id-509", externalCustomerId: "555.555.0100-jdoe@example.com",
        eventId: "eventId-1938", status: "new", phoneNumber: "(555)555-0100", emailAddress: "jdoe@example.com",
        userId: "user908038", addressCountry: "United-States", addressState: "New-York", addressZipcode: "10001",
        attributes: [.init(name: "attr1_name", value: "attr1_value"), .init(name: "attr2_name", value: "attr2_value")]
    )

    @Test("jsonValue writes schema order and omits absent fields")
    func jsonValue() {
        let minimal = CustomerMetadata(externalConversationId: "c", externalCustomerId: "d", status: "new")
        #expect(minimal.jsonValue().serializedString == #"{"externalConversationId":"c","externalCustomerId":"d","status":"new"}"#)
        #expect(Self.full.jsonValue().objectValue?.keys == [
            "externalConversationId", "externalCustomerId", "eventId", "status", "phoneNumber", "emailAddress",
            "userId", "addressCountry", "addressState", "addressZipcode", "attributes",
        ])
        #expect(CustomerMetadataValidator.validate(Self.full.jsonValue()) == [])
    }

    @Test("reads back from JSON; wrong types give nil")
    func fromJSON() throws {
        #expect(CustomerMetadata(jsonValue: Self.full.jsonValue()) == Self.full)
        let withNulls = try JSONParser.parse(#"{"externalConversationId":"c","externalCustomerId":"d","userId":null,"attributes":null,"x":1}"#)
        #expect(CustomerMetadata(jsonValue: withNulls) == CustomerMetadata(externalConversationId: "c", externalCustomerId: "d"))
        #expect(CustomerMetadata(jsonValue: ["externalConversationId": "c"]) == nil)
        #expect(CustomerMetadata(jsonValue: ["externalConversationId": "c", "externalCustomerId": "d", "status": 1]) == nil)
        #expect(CustomerMetadata(jsonValue: ["externalConversationId": "c", "externalCustomerId": "d", "attributes": [1]]) == nil)
    }
}
