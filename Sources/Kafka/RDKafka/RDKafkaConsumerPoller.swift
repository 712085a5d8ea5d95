import CRdKafka
import Foundation
import Logging
import Synchronization

/// The consumer's poll loop, on a thread of its own so that blocking in `rd_kafka_consumer_poll`
/// (and in a revocation handshake) never ties up Swift's cooperative pool.
///
/// `pending` and `closing` are touched only by the poll thread (rebalance callbacks run inside
/// `rd_kafka_consumer_poll` on that same thread), which is why this type may be `@unchecked Sendable`.
final class RDKafkaConsumerPoller: @unchecked Sendable {
    private let continuation: AsyncStream<KafkaConsumerEvent>.Continuation
    private let logger: Logger
    private let revocationTimeout: Duration
    private let maxMessagesPerEvent: Int
    private let pollTimeoutMs: Int32
    /// `auto.offset.reset` as a logical offset, for partitions the group has not committed.
    private let resetOffset: Int64?

    let deliveryWindow: RDKafkaDeliveryWindow?
    let pauses = RDKafkaPauses()
    private let stopRequested = Atomic<Bool>(false)
    private let completion = RDKafkaThreadCompletion()

    // Poll-thread confined, so exempt from the runtime's exclusivity checks: they are accessed
    // for every message, and each checked access cost a `swift_beginAccess`/`swift_endAccess`
    // pair, a tenth of this thread's time.
    @exclusivity(unchecked) private var pending: [KafkaMessage] = []
    @exclusivity(unchecked) private var topicNames = RDKafkaMessage.TopicNames()
    @exclusivity(unchecked) private var closing = false

    init(
        continuation: AsyncStream<KafkaConsumerEvent>.Continuation,
        configuration: KafkaConsumerConfiguration,
        logger: Logger
    ) {
        self.continuation = continuation
        self.logger = logger
        self.revocationTimeout = configuration.revocationTimeout
        self.maxMessagesPerEvent = max(1, configuration.maxMessagesPerEvent)
        self.pollTimeoutMs = max(1, configuration.pollTimeout.milliseconds)
        self.resetOffset = RDKafkaStartOffsets.resetOffset(policy: configuration.properties["auto.offset.reset"])
        self.deliveryWindow = configuration.deliveryWindow.map {
            RDKafkaDeliveryWindow(window: $0, maxWait: configuration.deliveryWindowMaxWait)
        }
    }

    func start(client: RDKafkaClient) {
        let nudger = deliveryWindow.map { _ in RDKafkaFetchNudger(client: client) }
        nudger?.start()
        let thread = Thread { [self] in
            defer { nudger?.stop() }
            self.run(client: client, nudger: nudger)
        }
        thread.name = "kafka-consumer-poll"
        thread.start()
    }

    func requestStop() {
        stopRequested.store(true, ordering: .releasing)
        deliveryWindow?.stop()
    }

    /// Returns once the poll thread has closed the consumer (left the group).
    func waitUntilFinished() async {
        await completion.wait()
    }

    private func run(client: RDKafkaClient, nudger: RDKafkaFetchNudger?) {
        let rk = client.handle
        // Set when the window held this thread back, so librdkafka's queue may have filled up
        // and its fetcher gone to sleep; cleared once the queue ran dry and the fetcher was woken.
        var held = false
        while !stopRequested.load(ordering: .acquiring) {
            if deliveryWindow?.waitForRoom() == true { held = true }
            guard let first = rd_kafka_consumer_poll(rk, held ? 5 : pollTimeoutMs) else {
                flushPending()
                if held {
                    nudger?.nudge()
                    held = false
                }
                continue
            }
            take(first, client: client)
            // Drain what is already queued without waiting, so events carry many messages.
            while pending.count < maxMessagesPerEvent, let next = rd_kafka_consumer_poll(rk, 0) {
                take(next, client: client)
            }
            flushPending()
        }
        flushPending()
        closing = true
        let err = rd_kafka_consumer_close(rk)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("consumer close reported an error", metadata: ["error": "\(KafkaError(err))"])
        }
        continuation.finish()
        completion.finish()
    }

    private func take(_ message: UnsafeMutablePointer<rd_kafka_message_t>, client: RDKafkaClient) {
        let err = message.pointee.err
        if err == RD_KAFKA_RESP_ERR_NO_ERROR {
            // Room for a whole event at once: grown by doubling, the array was reallocated about
            // ten times per event, and each large reallocation makes glibc consolidate its bins.
            if pending.isEmpty { pending.reserveCapacity(maxMessagesPerEvent) }
            // The message now owns the C message, and destroys it when the pipeline is done with it.
            pending.append(RDKafkaMessage.take(message, client: client, topicNames: &topicNames))
            return
        }
        defer { rd_kafka_message_destroy(message) }
        flushPending()
        if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            continuation.yield(.partitionEOF(TopicPartition(topic: topic, partition: message.pointee.partition),
                                             offset: message.pointee.offset))
        } else {
            continuation.yield(.error(KafkaError(err)))
        }
    }

    private func flushPending() {
        guard !pending.isEmpty else { return }
        deliveryWindow?.delivered(pending.count)
        continuation.yield(.messages(pending))
        pending = []
    }

    /// Called by librdkafka on the poll thread, from inside `rd_kafka_consumer_poll` or
    /// `rd_kafka_consumer_close`.
    func rebalance(
        _ rk: OpaquePointer,
        _ err: rd_kafka_resp_err_t,
        _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    ) {
        let partitions = RDKafkaTopicPartitionList.topicPartitions(list)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            pauses.clearBeforeAssigning(list, rk: rk)
            let starts = RDKafkaStartOffsets.resolve(list, rk: rk, resetOffset: resetOffset)
            defer { rd_kafka_topic_partition_list_destroy(starts) }
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, starts) {
                    report(KafkaError(consuming: error))
                }
            } else {
                let result = rd_kafka_assign(rk, starts)
                if result != RD_KAFKA_RESP_ERR_NO_ERROR { report(KafkaError(result, context: "assign")) }
            }
            logger.info("partitions assigned", metadata: ["partitions": "\(partitions.map(\.description))"])
            if !closing { continuation.yield(.assigned(partitions)) }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            // Messages polled before the revocation must reach the application before it.
            flushPending()
            let lost = rd_kafka_assignment_lost(rk) != 0
            logger.info("partitions revoked", metadata: [
                "partitions": "\(partitions.map(\.description))", "lost": "\(lost)",
            ])
            if !closing {
                let revocation = KafkaRevocation()
                continuation.yield(.revoked(partitions, lost: lost, revocation: revocation))
                if !revocation.wait(timeout: revocationTimeout) {
                    logger.warning("revoked partitions given up before their work finished; the next owner re-reads it",
                                   metadata: ["timeout": "\(revocationTimeout)"])
                }
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, list) {
                    report(KafkaError(consuming: error))
                }
            } else {
                _ = rd_kafka_assign(rk, nil)
            }
        default:
            logger.error("rebalance failed", metadata: ["error": "\(KafkaError(err))"])
            _ = rd_kafka_assign(rk, nil)
        }
    }

    /// The broker's answer to an asynchronous commit, on the poll thread (librdkafka serves it
    /// from the consumer queue inside `rd_kafka_consumer_poll`).
    func commitCompleted(_ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        // _NO_OFFSET: there was nothing to commit.
        guard err != RD_KAFKA_RESP_ERR__NO_OFFSET, let list else { return }
        var committed: [TopicPartition: Int64] = [:]
        var failed: [rd_kafka_resp_err_t.RawValue: [TopicPartition: Int64]] = [:]
        for entry in RDKafkaTopicPartitionList.read(list) where entry.offset >= 0 {
            // A request-level error may leave the partitions' own errors unset.
            let error = entry.error != RD_KAFKA_RESP_ERR_NO_ERROR ? entry.error : err
            if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                committed[entry.topicPartition] = entry.offset
            } else {
                failed[error.rawValue, default: [:]][entry.topicPartition] = entry.offset
            }
        }
        if !committed.isEmpty { continuation.yield(.committed(committed)) }
        for (code, offsets) in failed {
            continuation.yield(.commitFailed(offsets, KafkaError(rd_kafka_resp_err_t(rawValue: code), context: "commit")))
        }
    }

    func report(_ error: KafkaError) {
        logger.warning("kafka consumer error", metadata: ["error": "\(error)"])
        continuation.yield(.error(error))
    }
}
