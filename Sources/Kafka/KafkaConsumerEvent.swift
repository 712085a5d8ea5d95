import Dispatch
import Synchronization

/// What the consumer's poll thread hands to the application, in the order it happened.
public enum KafkaConsumerEvent: Sendable {
    /// Messages in offset order per partition.
    case messages([KafkaMessage])
    /// Partitions newly assigned to this member.
    case assigned([TopicPartition])
    /// Partitions being taken away. The poll thread waits until `revocation.acknowledge()` (or its
    /// timeout) before giving them up, so the application can finish and commit their work first.
    /// `lost` means the group already moved on (session timeout): committing is then pointless.
    case revoked([TopicPartition], lost: Bool, revocation: KafkaRevocation)
    /// The broker stored these offsets, committed asynchronously.
    case committed([TopicPartition: Int64])
    /// The broker refused these offsets, committed asynchronously (a stale generation during a
    /// rebalance, a coordinator move…): until committed again they are not stored.
    case commitFailed([TopicPartition: Int64], KafkaError)
    /// The consumer reached the end of a partition (only with `enable.partition.eof=true`).
    case partitionEOF(TopicPartition, offset: Int64)
    /// A non-fatal error reported by librdkafka (broker down, transport…).
    case error(KafkaError)
}

/// A handshake between the poll thread, which must not give up partitions yet, and the
/// application, which finishes their in-flight work.
public final class KafkaRevocation: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let acknowledged = Atomic<Bool>(false)

    public init() {}

    /// Lets the consumer give up the partitions. Safe to call more than once.
    public func acknowledge() {
        if !acknowledged.exchange(true, ordering: .acquiringAndReleasing) {
            semaphore.signal()
        }
    }

    /// Blocks the calling (poll) thread; `false` on timeout.
    func wait(timeout: Duration) -> Bool {
        let nanos = UInt64(max(0, timeout.components.seconds)) * 1_000_000_000
            + UInt64(max(0, timeout.components.attoseconds / 1_000_000_000))
        return semaphore.wait(timeout: .now() + .nanoseconds(Int(clamping: nanos))) == .success
    }
}
