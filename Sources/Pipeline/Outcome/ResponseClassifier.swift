import IngestionAPI

/// What an answer of `many-customer-metadata` means for the batch that was sent.
enum ResponseClass: Equatable {
    /// 200 or 400 with one result per item, in item order: each one's error, blank when the
    /// item was ingested.
    case perItem(errors: [String])
    /// 200 or 400 whose results don't match the items: resend them one by one.
    case resendIndividually
    /// 408, 429 or 5xx: the API is busy or down; the same batch goes again later.
    case retry(reason: String)
    /// 401, 403: our credentials are refused. 404 and 3xx: the URL is wrong. Nothing to
    /// dead-letter (the records are fine); wait for the operator, and never commit past them.
    case misconfigured(hint: String)
    /// 413: halve the batch; a single record still refused is dead-lettered.
    case tooLarge(message: String)
    /// 409, 422, other 4xx without per-item results: bisect to isolate the failing records.
    case rejected(message: String)
}

enum ResponseClassifier {
    static func classify(_ response: IngestionResponse, itemCount: Int) -> ResponseClass {
        let status = response.status
        switch status {
        case 200...299, 400:
            if let errors = response.itemErrors {
                return errors.count == itemCount ? .perItem(errors: errors) : .resendIndividually
            }
            // A 400 that carries only an `error` object refused the request as a whole.
            return status == 400 && response.error != nil ? .rejected(message: response.errorMessage) : .resendIndividually
        case 413:
            return .tooLarge(message: response.errorMessage)
        default:
            return classifyFailure(status: status, message: response.errorMessage)
        }
    }

    /// Statuses whose meaning does not depend on the endpoint.
    static func classifyFailure(status: Int, message: String) -> ResponseClass {
        switch status {
        case 408, 429, 500...599:
            return .retry(reason: "http_\(status)")
        case 401:
            return .misconfigured(hint: "the API refuses the credentials (HTTP 401: \(message)); check API_ID and API_SECRET")
        case 403:
            return .misconfigured(hint: "the credentials lack permission for this endpoint (HTTP 403: \(message))")
        case 404:
            return .misconfigured(hint: "the endpoint was not found (HTTP 404: \(message)); check API_BASE_URL")
        case 300...399:
            return .misconfigured(hint: "the API answered with a redirect (HTTP \(status)); check API_BASE_URL")
        default:
            return .rejected(message: message)
        }
    }
}
