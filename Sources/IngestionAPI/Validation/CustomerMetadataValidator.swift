/// Checks one customer metadata item against the API's item schema, exactly as written: every
/// keyword in the schema is enforced and nothing else is.
///
/// - `type` and `nullable` (OpenAPI 3.0): a value of the wrong JSON type, or `null` where the
///   schema does not say `nullable: true`, is a violation.
/// - `required`: only `externalConversationId` and `externalCustomerId`.
/// - `pattern`: a full-string match of the character class (see `ASCIICharacterClass`).
/// - `maxLength`: counted in Unicode code points.
/// - `format: email`: RFC 5321 `Mailbox` (see `EmailAddressFormat`).
/// - Additional properties are allowed, since the schema does not forbid them.
///
/// All violations are reported, in the schema's field order; within a field, type problems come
/// first, then pattern, maxLength and format.
public enum CustomerMetadataValidator {
    public static func validate(_ item: JSONValue) -> [SchemaViolation] {
        guard case .object(let object) = item else {
            if item.isNull {
                return [SchemaViolation(field: "", rule: "nullable", message: "must be an object, not null (not nullable)")]
            }
            return [SchemaViolation(field: "", rule: "type", message: "expected type object, got \(item.typeName)")]
        }
        var violations: [SchemaViolation] = []

        // One pass over the members to find the known properties; the first occurrence wins,
        // like `JSONObject`'s subscript (the parser refuses duplicates anyway).
        var slots = [JSONValue?](repeating: nil, count: CustomerMetadataSchema.slotCount)
        for member in object.members {
            if let slot = CustomerMetadataSchema.slot(of: member.key), slots[slot] == nil {
                slots[slot] = member.value
            }
        }

        for (index, field) in CustomerMetadataSchema.stringFields.enumerated() {
            validateStringField(field, value: slots[index], into: &violations)
        }
        validateAttributes(slots[CustomerMetadataSchema.slotCount - 1], into: &violations)
        return violations
    }

    /// True when `validate` would report nothing.
    public static func isValid(_ item: JSONValue) -> Bool {
        validate(item).isEmpty
    }

    static func validateStringField(
        _ field: CustomerMetadataSchema.StringField,
        value: JSONValue?,
        into violations: inout [SchemaViolation]
    ) {
        switch value {
        case nil:
            if field.required {
                violations.append(SchemaViolation(field: field.name, rule: "required", message: "required property is missing"))
            }
        case .null:
            if !field.nullable {
                violations.append(SchemaViolation(field: field.name, rule: "nullable", message: "must not be null (not nullable)"))
            }
        case .string(let text):
            if let pattern = field.pattern, let problem = pattern.mismatch(in: text) {
                violations.append(SchemaViolation(field: field.name, rule: "pattern", message: problem))
            }
            if let maxLength = field.maxLength, let length = UnicodeLength.exceeds(text, limit: maxLength) {
                violations.append(maxLengthViolation(field: field.name, limit: maxLength, length: length))
            }
            if field.emailFormat, let problem = EmailAddressFormat.invalidReason(text) {
                violations.append(SchemaViolation(field: field.name, rule: "format", message: "not a valid format email address: \(problem)"))
            }
        case .some(let other):
            violations.append(typeViolation(field: field.name, expected: "string", got: other))
        }
    }

    static func validateAttributes(_ value: JSONValue?, into violations: inout [SchemaViolation]) {
        let field = CustomerMetadataSchema.attributes
        switch value {
        case nil, .null:
            return
        case .array(let attributes):
            let maxItems = CustomerMetadataSchema.attributesMaxItems
            if attributes.count > maxItems {
                violations.append(SchemaViolation(
                    field: field,
                    rule: "maxItems",
                    message: "maxItems \(maxItems) exceeded (\(attributes.count) items)"
                ))
            }
            for (index, attribute) in attributes.enumerated() {
                switch attribute {
                case .object(let object):
                    validateAttributeString(object["name"], path: { "\(field)[\(index)].name" },
                                            maxLength: CustomerMetadataSchema.attributeNameMaxLength, into: &violations)
                    validateAttributeString(object["value"], path: { "\(field)[\(index)].value" },
                                            maxLength: CustomerMetadataSchema.attributeValueMaxLength, into: &violations)
                case .null:
                    violations.append(SchemaViolation(field: "\(field)[\(index)]", rule: "nullable", message: "must not be null (not nullable)"))
                default:
                    violations.append(typeViolation(field: "\(field)[\(index)]", expected: "object", got: attribute))
                }
            }
        case .some(let other):
            violations.append(typeViolation(field: field, expected: "array", got: other))
        }
    }

    /// `path` is a closure so the path string is only built when there is something to report.
    static func validateAttributeString(
        _ value: JSONValue?,
        path: () -> String,
        maxLength: Int,
        into violations: inout [SchemaViolation]
    ) {
        switch value {
        case nil:
            return
        case .string(let text):
            if let length = UnicodeLength.exceeds(text, limit: maxLength) {
                violations.append(maxLengthViolation(field: path(), limit: maxLength, length: length))
            }
        case .null:
            violations.append(SchemaViolation(field: path(), rule: "nullable", message: "must not be null (not nullable)"))
        case .some(let other):
            violations.append(typeViolation(field: path(), expected: "string", got: other))
        }
    }

    static func typeViolation(field: String, expected: String, got value: JSONValue) -> SchemaViolation {
        SchemaViolation(field: field, rule: "type", message: "expected type \(expected), got \(value.typeName)")
    }

    static func maxLengthViolation(field: String, limit: Int, length: Int) -> SchemaViolation {
        SchemaViolation(field: field, rule: "maxLength", message: "maxLength \(limit) exceeded (\(length) characters)")
    }
}
