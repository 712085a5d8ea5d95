/// A JSON object that keeps its members in document order.
///
/// Order matters to us because items are forwarded and logged as written, and because a
/// deterministic order makes serialised output stable. Lookups are linear: customer items have
/// about a dozen members, where a scan beats hashing.
///
/// Equality compares the member lists, so it is order-sensitive.
public struct JSONObject: Sendable, Equatable {
    public var members: [(key: String, value: JSONValue)]

    public init() {
        self.members = []
    }

    public init(_ members: [(key: String, value: JSONValue)]) {
        self.members = members
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    /// The value of the first member named `key`. Setting replaces that member in place (keeping
    /// its position), appends a new member, or with `nil` removes every member with that name.
    public subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key == key {
                return member.value
            }
            return nil
        }
        set {
            if let newValue {
                if let index = members.firstIndex(where: { $0.key == key }) {
                    members[index].value = newValue
                } else {
                    members.append((key: key, value: newValue))
                }
            } else {
                members.removeAll { $0.key == key }
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (left, right) in zip(lhs.members, rhs.members) where left.key != right.key || left.value != right.value {
            return false
        }
        return true
    }
}
