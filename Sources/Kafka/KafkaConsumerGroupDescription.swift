/// What the group coordinator says about a consumer group.
public struct KafkaConsumerGroupDescription: Sendable, Equatable {
    public let group: String
    /// The coordinator's state name: `Stable`, `PreparingRebalance`, `CompletingRebalance`,
    /// `Empty`, `Dead` (librdkafka's names; `Unknown` when it could not tell).
    public let state: String
    public let memberCount: Int

    public init(group: String, state: String, memberCount: Int) {
        self.group = group
        self.state = state
        self.memberCount = memberCount
    }

    /// Whether consumers are in the group (or joining it): offsets must not be moved under them.
    public var hasActiveMembers: Bool {
        memberCount > 0 || ["Stable", "PreparingRebalance", "CompletingRebalance"].contains(state)
    }
}
