import CRdKafka
import Logging

/// An idempotent Kafka producer whose `send` resumes when the broker has acknowledged the record.
public final class KafkaProducer: Sendable {
    private let client: RDKafkaClient
    private let logger: Logger
    private let poller: RDKafkaProducerPoller

    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        let context = RDKafkaContext(logger: logger)
        context.onDelivery = { message in RDKafkaDelivery.deliver(message) }
        self.client = try RDKafkaClient(kind: .producer, properties: configuration.effectiveProperties, context: context)
        self.logger = logger
        self.poller = RDKafkaProducerPoller(client: client, flushTimeout: configuration.flushTimeout, logger: logger)
        poller.start()
    }

    deinit {
        poller.requestStop()
    }

    /// Produces one record and waits for the broker's acknowledgement (all in-sync replicas).
    public func send(_ record: KafkaProducerRecord) async throws(KafkaError) -> KafkaDeliveryReport {
        let delivery = RDKafkaDelivery()
        await enqueue(record, delivery: delivery)
        return try await delivery.value.get()
    }

    /// Produces many records and waits for all acknowledgements; results are in input order.
    /// Records are enqueued strictly in input order, so records for one partition keep it.
    /// Each element is that record's own result, so one failure does not hide the others.
    public func sendAll(_ records: [KafkaProducerRecord]) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        var deliveries: [RDKafkaDelivery] = []
        deliveries.reserveCapacity(records.count)
        for record in records {
            let delivery = RDKafkaDelivery()
            await enqueue(record, delivery: delivery)
            deliveries.append(delivery)
        }
        var results: [Result<KafkaDeliveryReport, KafkaError>] = []
        results.reserveCapacity(records.count)
        for delivery in deliveries { results.append(await delivery.value) }
        return results
    }

    /// The producer's fatal error, if it has one; a fatal producer must be replaced.
    public var fatalError: KafkaError? {
        var buffer = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(client.handle, &buffer, buffer.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(code: err.rawValue, message: buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    /// Waits for outstanding deliveries (up to the configured flush timeout), fails the rest,
    /// and stops the poll thread.
    public func shutdown() async {
        poller.requestStop()
        await poller.waitUntilFinished()
    }

    private func enqueue(_ record: KafkaProducerRecord, delivery: RDKafkaDelivery) async {
        let opaque = Unmanaged.passRetained(delivery).toOpaque()
        while true {
            if poller.isStopping {
                Unmanaged<RDKafkaDelivery>.fromOpaque(opaque).release()
                delivery.complete(.failure(KafkaError(RD_KAFKA_RESP_ERR__DESTROY, context: "producer is shutting down")))
                return
            }
            let error = produce(record, opaque: opaque)
            guard let error else { return }
            if error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue {
                // The local queue drains as the broker acknowledges; back off briefly and retry.
                try? await Task.sleep(for: .milliseconds(5))
                continue
            }
            Unmanaged<RDKafkaDelivery>.fromOpaque(opaque).release()
            delivery.complete(.failure(error))
            return
        }
    }

    /// One `rd_kafka_produceva` call; librdkafka copies key and value (`RD_KAFKA_MSG_F_COPY`).
    private func produce(_ record: KafkaProducerRecord, opaque: UnsafeMutableRawPointer) -> KafkaError? {
        let headers = RDKafkaMessage.makeHeaders(record.headers)
        let error: OpaquePointer? = record.topic.withCString { topic in
            withOptionalBytes(record.value) { value in
                withOptionalBytes(record.key) { key in
                    var vus: [rd_kafka_vu_t] = []
                    var vu = rd_kafka_vu_t()
                    vu.vtype = RD_KAFKA_VTYPE_TOPIC; vu.u.cstr = topic; vus.append(vu)
                    vu = rd_kafka_vu_t()
                    vu.vtype = RD_KAFKA_VTYPE_PARTITION; vu.u.i32 = record.partition ?? RD_KAFKA_PARTITION_UA; vus.append(vu)
                    vu = rd_kafka_vu_t()
                    vu.vtype = RD_KAFKA_VTYPE_MSGFLAGS; vu.u.i = RD_KAFKA_MSG_F_COPY; vus.append(vu)
                    vu = rd_kafka_vu_t()
                    vu.vtype = RD_KAFKA_VTYPE_VALUE
                    vu.u.mem.ptr = value.map { UnsafeMutableRawPointer(mutating: $0.baseAddress) } ?? nil
                    vu.u.mem.size = value?.count ?? 0
                    vus.append(vu)
                    if let key {
                        vu = rd_kafka_vu_t()
                        vu.vtype = RD_KAFKA_VTYPE_KEY
                        vu.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                        vu.u.mem.size = key.count
                        vus.append(vu)
                    }
                    if let timestamp = record.timestamp {
                        vu = rd_kafka_vu_t()
                        vu.vtype = RD_KAFKA_VTYPE_TIMESTAMP; vu.u.i64 = timestamp; vus.append(vu)
                    }
                    if let headers {
                        vu = rd_kafka_vu_t()
                        vu.vtype = RD_KAFKA_VTYPE_HEADERS; vu.u.headers = headers; vus.append(vu)
                    }
                    vu = rd_kafka_vu_t()
                    vu.vtype = RD_KAFKA_VTYPE_OPAQUE; vu.u.ptr = opaque; vus.append(vu)
                    return rd_kafka_produceva(client.handle, vus, vus.count)
                }
            }
        }
        guard let error else { return nil }
        // On failure the headers were not taken over.
        if let headers { rd_kafka_headers_destroy(headers) }
        return KafkaError(consuming: error)
    }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
