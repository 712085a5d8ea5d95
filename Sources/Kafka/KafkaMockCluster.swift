import CRdKafka
import Logging

/// An in-process Kafka cluster: librdkafka's mock cluster, which speaks the real wire protocol
/// (consumer groups, offset commits) on loopback ports and can inject faults.
///
/// Its limit: each partition keeps only about 5 MB or 100k message sets, then drops the oldest.
public final class KafkaMockCluster: Sendable {
    /// Comma-separated `host:port` list for `bootstrap.servers`.
    public let bootstrapServers: String
    /// Broker ids, numbered from 1.
    public let brokerIDs: [Int32]
    private let cluster: MockClusterHandle

    public init(brokers: Int = 1, logger: Logger) throws(KafkaError) {
        // The mock cluster needs a librdkafka instance to live in; an idle producer serves.
        let context = RDKafkaContext(logger: logger)
        let client = try RDKafkaClient(kind: .producer, properties: ["log.connection.close": "false"], context: context)
        guard let cluster = rd_kafka_mock_cluster_new(client.handle, Int32(brokers)) else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__FAIL.rawValue, message: "could not create the mock cluster")
        }
        self.cluster = MockClusterHandle(pointer: cluster, client: client)
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        self.brokerIDs = (1...Int32(max(1, brokers))).map { $0 }
    }

    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(cluster.pointer, name, partitions, min(replicationFactor, Int32(brokerIDs.count)))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "create topic \(name)") }
    }

    /// Takes a broker off the network: its connections close and new ones are refused.
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_down(cluster.pointer, id)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "broker \(id) down") }
    }

    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_up(cluster.pointer, id)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "broker \(id) up") }
    }

    /// Moves a partition's leadership to broker `id`; `-1` leaves the partition without a leader.
    public func setPartitionLeader(_ topic: String, _ partition: Int32, broker id: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_partition_set_leader(cluster.pointer, topic, partition, id)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "partition \(partition) leader") }
    }

    /// Delays every response of a broker, to model a slow network.
    public func setRoundTripTime(_ id: Int32, _ rtt: Duration) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_rtt(cluster.pointer, id, rtt.milliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "broker \(id) rtt") }
    }

    /// The next requests of this kind, cluster-wide, fail with these errors, one each, in order.
    public func pushRequestErrors(_ api: KafkaAPIKey, _ errors: [KafkaErrorCode]) {
        var codes = errors.map { rd_kafka_resp_err_t(rawValue: $0.rawValue) }
        rd_kafka_mock_push_request_errors_array(cluster.pointer, api.rawValue, codes.count, &codes)
    }

    /// Forgets errors pushed for this kind of request that have not been used yet.
    public func clearRequestErrors(_ api: KafkaAPIKey) {
        rd_kafka_mock_clear_request_errors(cluster.pointer, api.rawValue)
    }

    /// Every request for this topic fails with `error` until cleared with `.noError`.
    public func setTopicError(_ topic: String, _ error: KafkaErrorCode) {
        rd_kafka_mock_topic_set_error(cluster.pointer, topic, rd_kafka_resp_err_t(rawValue: error.rawValue))
    }
}

/// Destroys the mock cluster before the client it lives in (the order librdkafka requires).
private final class MockClusterHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    private var client: RDKafkaClient?

    init(pointer: OpaquePointer, client: RDKafkaClient) {
        self.pointer = pointer
        self.client = client
    }

    deinit {
        rd_kafka_mock_cluster_destroy(pointer)
        client = nil
    }
}
