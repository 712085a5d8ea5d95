import Foundation
import HTTPClient
import IngestionAPI
import Logging

/// Stages 4 and 5: request → outcome, for one batch, until every record has a final outcome.
///
/// Retryable failures (429, 5xx, timeouts, connection and TLS errors) are retried forever with
/// backoff: a record is never dead-lettered because the API was down or its certificate refused. Misconfiguration (401/403/404) is
/// retried with a capped backoff and an error log naming the likely cause. 413 splits the batch;
/// other 4xx answers without per-item results bisect it; unusable results make the records go
/// one by one through `single-customer-metadata`.
struct Dispatcher: Sendable {
    let client: IngestionClient
    let configuration: PipelineConfiguration
    let health: SinkHealth
    let metrics: SinkMetrics
    let logger: Logger

    /// Outcomes in the order of `records`. Throws only `CancellationError`.
    func deliver(_ records: [SinkRecord], onRetrying: @Sendable () -> Void) async throws -> [RecordOutcome] {
        var outcomes = [RecordOutcome?](repeating: nil, count: records.count)
        // A stack of slices still to send; the earlier half is always sent first.
        var work: [Range<Int>] = [0..<records.count]
        metrics.batch(items: records.count, bytes: records.reduce(0) { $0 + $1.byteCount })
        while let range = work.popLast() {
            // The records themselves: the body copies each item's bytes in place.
            let items = records[range]
            let (response, verdict) = try await send(endpoint: .many, itemCount: range.count, onRetrying: onRetrying) {
                try await client.postMany(items: items)
            }
            switch verdict {
            case .perItem(let errors):
                for (index, error) in zip(range, errors) {
                    outcomes[index] = ItemResult.succeeded(error: error) ? .accepted : .deadLetter(error: error, status: response.status)
                }
            case .tooLarge(let message), .rejected(let message):
                if let halves = BatchSplitter.halves(range) {
                    work.append(halves.second)
                    work.append(halves.first)
                } else {
                    outcomes[range.lowerBound] = .deadLetter(error: "HTTP \(response.status): \(message)", status: response.status)
                }
            case .resendIndividually:
                logger.warning("results do not match the items sent; resending them one by one",
                               metadata: ["status": "\(response.status)", "items": "\(range.count)"])
                for index in range {
                    outcomes[index] = try await deliverSingle(records[index], onRetrying: onRetrying)
                }
            case .retry, .misconfigured:
                preconditionFailure("send(...) returns only final verdicts")
            }
        }
        return outcomes.map { $0! }
    }

    private func deliverSingle(_ record: SinkRecord, onRetrying: @Sendable () -> Void) async throws -> RecordOutcome {
        let item = record.item
        let (response, verdict) = try await send(endpoint: .single, itemCount: 1, onRetrying: onRetrying) {
            try await client.postSingle(item: item)
        }
        if let result = response.singleResult {
            return result.succeeded ? .accepted : .deadLetter(error: result.error, status: response.status)
        }
        switch verdict {
        case .tooLarge(let message), .rejected(let message):
            return .deadLetter(error: "HTTP \(response.status): \(message)", status: response.status)
        default:
            // The single endpoint answered 200/400 without a readable result: we cannot tell
            // whether it was ingested, so keep the record (dead-letter it) rather than drop it.
            return .deadLetter(error: "HTTP \(response.status): response could not be read", status: response.status)
        }
    }

    enum Endpoint: String {
        case many = "many-customer-metadata"
        case single = "single-customer-metadata"
    }

    /// Sends until the answer is final (not retryable, not misconfiguration).
    private func send(
        endpoint: Endpoint,
        itemCount: Int,
        onRetrying: @Sendable () -> Void,
        _ request: () async throws -> IngestionResponse
    ) async throws -> (IngestionResponse, ResponseClass) {
        var backoff = Backoff(base: configuration.retryBaseDelay, cap: configuration.retryMaxDelay)
        var authBackoff = Backoff(base: configuration.retryBaseDelay, cap: configuration.authRetryMaxDelay)
        var signalled = false
        while true {
            try Task.checkCancellation()
            let started = ContinuousClock.now
            var delay: Duration
            var reason: String
            do {
                let response = try await request()
                health.setAPITLSFails(false)
                metrics.apiRequest(endpoint: endpoint.rawValue, status: String(response.status), duration: .now - started)
                let verdict = endpoint == .many
                    ? ResponseClassifier.classify(response, itemCount: itemCount)
                    : (response.singleResult != nil ? .perItem(errors: []) : ResponseClassifier.classify(response, itemCount: 1))
                switch verdict {
                case .retry(let why):
                    reason = why
                    delay = max(backoff.nextDelay(), RetryAfter.parse(response.retryAfter) ?? .zero)
                    logger.warning("API unavailable; retrying the same batch", metadata: [
                        "status": "\(response.status)", "retryAfter": "\(response.retryAfter ?? "-")", "delay": "\(delay)",
                    ])
                case .misconfigured(let hint):
                    reason = "http_\(response.status)"
                    if response.status == 401 || response.status == 403 { health.setAPIRefusesCredentials(true) }
                    delay = max(authBackoff.nextDelay(), RetryAfter.parse(response.retryAfter) ?? .zero)
                    logger.error("API request refused: \(hint); holding the records and retrying", metadata: ["delay": "\(delay)"])
                default:
                    health.setAPIRefusesCredentials(false)
                    return (response, verdict)
                }
            } catch let error as HTTPClientError {
                metrics.apiRequest(endpoint: endpoint.rawValue, status: "error", duration: .now - started)
                switch error {
                case .timeout: reason = "timeout"
                case .shutdown: throw CancellationError()
                case .tls:
                    reason = "tls"
                    health.setAPITLSFails(true)
                default: reason = "connection"
                }
                delay = backoff.nextDelay()
                logger.warning("API request failed; retrying the same batch", metadata: [
                    "error": "\(error)", "delay": "\(delay)",
                ])
            }
            metrics.retry(reason: reason)
            if !signalled {
                signalled = true
                onRetrying()
            }
            try await Task.sleep(for: delay)
        }
    }
}
