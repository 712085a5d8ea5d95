/// One way in which a customer metadata item breaks the API's item schema.
///
/// `description` names the field and the rule, e.g.
/// `attributes[3].name: maxLength 256 exceeded (300 characters)`; the sink puts these in the
/// dead-letter error string, so they must tell an operator exactly what to fix.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// JSON path of the offending value: `externalCustomerId`, `attributes[3].name`, or `""` for
    /// the item itself.
    public let field: String
    /// The schema keyword that failed: `required`, `type`, `nullable`, `pattern`, `maxLength`,
    /// `maxItems` or `format`.
    public let rule: String
    /// Human-readable detail; it contains the rule's name.
    public let message: String

    public init(field: String, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }

    public var description: String {
        "\(field.isEmpty ? "(item)" : field): \(message)"
    }
}
