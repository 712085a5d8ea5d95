import CRdKafka
import Logging

/// What librdkafka's C callbacks reach through the `opaque` pointer.
///
/// The handler closures are set before `rd_kafka_new` and never changed afterwards, which is why
/// this type may be shared across librdkafka's threads.
final class RDKafkaContext: @unchecked Sendable {
    let logger: Logger
    var onRebalance: ((OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?
    var onDelivery: ((UnsafePointer<rd_kafka_message_t>) -> Void)?
    var onError: ((KafkaError) -> Void)?
    var onOffsetCommit: ((rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> Void)?

    init(logger: Logger) {
        self.logger = logger
    }

    static func from(_ rk: OpaquePointer?) -> RDKafkaContext? {
        guard let rk, let opaque = rd_kafka_opaque(rk) else { return nil }
        return Unmanaged<RDKafkaContext>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// Installs the C callbacks and the opaque pointer on a configuration.
    /// The caller keeps `self` alive (retained) until the handle is destroyed.
    func install(on conf: OpaquePointer, opaque: UnsafeMutableRawPointer, consumer: Bool) {
        rd_kafka_conf_set_opaque(conf, opaque)
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, rdKafkaErrorCallback)
        if onRebalance != nil {
            rd_kafka_conf_set_rebalance_cb(conf, rdKafkaRebalanceCallback)
        }
        if onDelivery != nil {
            rd_kafka_conf_set_dr_msg_cb(conf, rdKafkaDeliveryCallback)
        }
        if consumer {
            rd_kafka_conf_set_offset_commit_cb(conf, rdKafkaOffsetCommitCallback)
        }
    }
}

// librdkafka logs with syslog levels; route them through the application's logger so that they
// share its format and level filter.
private let rdKafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    rk, level, facility, buffer in
    guard let context = RDKafkaContext.from(rk) else { return }
    let message = buffer.map { String(cString: $0) } ?? ""
    let fac = facility.map { String(cString: $0) } ?? ""
    let swiftLevel: Logger.Level
    switch level {
    case ...2: swiftLevel = .critical
    case 3: swiftLevel = .error
    case 4: swiftLevel = .warning
    case 5: swiftLevel = .notice
    case 6: swiftLevel = .info
    default: swiftLevel = .debug
    }
    context.logger.log(level: swiftLevel, "\(message)", metadata: ["librdkafka.facility": "\(fac)"])
}

private let rdKafkaErrorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, reason, _ in
    guard let context = RDKafkaContext.from(rk) else { return }
    let text = reason.map { String(cString: $0) } ?? ""
    let error = KafkaError(code: err, message: text)
    if let onError = context.onError {
        onError(error)
    } else {
        context.logger.warning("librdkafka error", metadata: ["error": "\(error.name): \(text)"])
    }
}

private let rdKafkaRebalanceCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, partitions, _ in
    guard let rk, let partitions, let context = RDKafkaContext.from(rk) else { return }
    context.onRebalance?(rk, err, partitions)
}

private let rdKafkaDeliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    rk, message, _ in
    guard let message, let context = RDKafkaContext.from(rk) else { return }
    context.onDelivery?(message)
}

// Called for asynchronous commits only (a synchronous one reports through its return value).
private let rdKafkaOffsetCommitCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, offsets, _ in
    guard let context = RDKafkaContext.from(rk) else { return }
    if let onOffsetCommit = context.onOffsetCommit {
        onOffsetCommit(err, offsets)
        return
    }
    // _NO_OFFSET means there was nothing new to commit: not worth a log line.
    guard err != RD_KAFKA_RESP_ERR_NO_ERROR, err != RD_KAFKA_RESP_ERR__NO_OFFSET else { return }
    context.logger.warning("offset commit failed", metadata: ["error": "\(KafkaError(err))"])
}
