extension CustomerMetadata {
    /// The item as a JSON object, properties in the schema's order, absent ones omitted.
    public func jsonValue() -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("externalConversationId", .string(externalConversationId)),
            ("externalCustomerId", .string(externalCustomerId)),
        ]
        func add(_ key: String, _ value: String?) {
            if let value { members.append((key, .string(value))) }
        }
        add("eventId", eventId)
        add("status", status)
        add("phoneNumber", phoneNumber)
        add("emailAddress", emailAddress)
        add("userId", userId)
        add("addressCountry", addressCountry)
        add("addressState", addressState)
        add("addressZipcode", addressZipcode)
        if let attributes {
            members.append(("attributes", .array(attributes.map { $0.jsonValue() })))
        }
        return .object(JSONObject(members))
    }

    /// The item's compact JSON bytes, ready for `ManyCustomerMetadataRequest.body(items:)`.
    public func serialized() -> [UInt8] {
        jsonValue().serialized()
    }

    /// Reads an item from JSON. Returns nil when a known property has the wrong type (`null`
    /// reads as absent); unknown properties are ignored. This is a typed view, not validation.
    public init?(jsonValue: JSONValue) {
        guard case .object(let object) = jsonValue,
              case .string(let conversationId)? = object["externalConversationId"],
              case .string(let customerId)? = object["externalCustomerId"]
        else { return nil }
        func optionalString(_ key: String) -> String?? {
            switch object[key] {
            case nil, .null?: return .some(nil)
            case .string(let text)?: return .some(text)
            default: return nil
            }
        }
        guard let eventId = optionalString("eventId"),
              let status = optionalString("status"),
              let phoneNumber = optionalString("phoneNumber"),
              let emailAddress = optionalString("emailAddress"),
              let userId = optionalString("userId"),
              let addressCountry = optionalString("addressCountry"),
              let addressState = optionalString("addressState"),
              let addressZipcode = optionalString("addressZipcode")
        else { return nil }
        var attributes: [Attribute]?
        switch object["attributes"] {
        case nil, .null?:
            attributes = nil
        case .array(let elements)?:
            var parsed: [Attribute] = []
            for element in elements {
                guard let attribute = Attribute(jsonValue: element) else { return nil }
                parsed.append(attribute)
            }
            attributes = parsed
        default:
            return nil
        }
        self.init(
            externalConversationId: conversationId,
            externalCustomerId: customerId,
            eventId: eventId,
            status: status,
            phoneNumber: phoneNumber,
            emailAddress: emailAddress,
            userId: userId,
            addressCountry: addressCountry,
            addressState: addressState,
            addressZipcode: addressZipcode,
            attributes: attributes
        )
    }
}

extension CustomerMetadata.Attribute {
    public func jsonValue() -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let name { members.append(("name", .string(name))) }
        if let value { members.append(("value", .string(value))) }
        return .object(JSONObject(members))
    }

    public init?(jsonValue: JSONValue) {
        guard case .object(let object) = jsonValue else { return nil }
        var name: String?
        var value: String?
        switch object["name"] {
        case nil: name = nil
        case .string(let text)?: name = text
        default: return nil
        }
        switch object["value"] {
        case nil: value = nil
        case .string(let text)?: value = text
        default: return nil
        }
        self.init(name: name, value: value)
    }
}
