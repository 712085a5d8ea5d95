import CRdKafka
import Foundation
import Logging
import Synchronization

/// Serves a producer's delivery reports (`rd_kafka_poll`) on a thread of its own, so the wait
/// never ties up Swift's cooperative pool. It holds the handle, not the `KafkaProducer`, so that
/// dropping the producer can stop it.
final class RDKafkaProducerPoller: Sendable {
    private let client: RDKafkaClient
    private let flushTimeout: Duration
    private let logger: Logger
    private let stopRequested = Atomic<Bool>(false)
    private let completion = RDKafkaThreadCompletion()

    init(client: RDKafkaClient, flushTimeout: Duration, logger: Logger) {
        self.client = client
        self.flushTimeout = flushTimeout
        self.logger = logger
    }

    var isStopping: Bool { stopRequested.load(ordering: .acquiring) }

    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "kafka-producer-poll"
        thread.start()
    }

    func requestStop() {
        stopRequested.store(true, ordering: .releasing)
    }

    func waitUntilFinished() async {
        await completion.wait()
    }

    private func run() {
        let rk = client.handle
        while !stopRequested.load(ordering: .acquiring) {
            rd_kafka_poll(rk, 100)
        }
        let err = rd_kafka_flush(rk, flushTimeout.milliseconds)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("producer flush did not complete; failing undelivered records",
                           metadata: ["error": "\(KafkaError(err))"])
            _ = rd_kafka_purge(rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            // Purged messages get delivery reports with an error: serve them so no task waits forever.
            rd_kafka_poll(rk, 0)
        }
        completion.finish()
    }
}
