import CRdKafka
import Foundation

/// Wakes librdkafka's broker threads after the delivery window held the poll thread back.
///
/// While the application holds a window's worth, librdkafka keeps fetching until its consumer
/// queue reaches `queued.min.messages` or `queued.max.messages.kbytes`, then stops. librdkafka 2.0
/// re-checks a full queue only when its broker thread wakes up for something else (at the latest
/// after a second), so once the queue is drained fetching would stall for up to a second. Any
/// request to a broker wakes that broker's thread: a ListOffsets for the assigned partitions
/// (latest offsets, one request per leader broker) is the cheapest that reaches every leader.
/// It runs on a thread of its own because the call blocks until the brokers answer.
final class RDKafkaFetchNudger: @unchecked Sendable {
    private let client: RDKafkaClient
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var requested = false
    private var stopped = false

    init(client: RDKafkaClient) {
        self.client = client
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "kafka-fetch-nudge"
        thread.start()
    }

    /// Asks for one wake-up; requests made while one is under way are merged into the next.
    func nudge() {
        condition.lock()
        requested = true
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while !requested && !stopped { condition.wait() }
            let stop = stopped
            requested = false
            condition.unlock()
            if stop { return }
            wakeBrokers()
        }
    }

    private func wakeBrokers() {
        let rk = client.handle
        var assignment: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(rk, &assignment) == RD_KAFKA_RESP_ERR_NO_ERROR, let assignment else { return }
        defer { rd_kafka_topic_partition_list_destroy(assignment) }
        guard assignment.pointee.cnt > 0 else { return }
        for index in 0..<Int(assignment.pointee.cnt) {
            assignment.pointee.elems[index].offset = Int64(RD_KAFKA_OFFSET_END)
        }
        // The answer does not matter, only that each leader's broker thread woke up to send it.
        _ = rd_kafka_offsets_for_times(rk, assignment, 1000)
    }
}
