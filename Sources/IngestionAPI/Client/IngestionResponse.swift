import HTTPClient

/// One answer of the Metadata Ingestion API, with its body decoded as the spec says that
/// status carries it: per-item results for 200 and 400, an `error` object for the rest.
public struct IngestionResponse: Sendable {
    public let status: Int
    /// The raw `Retry-After` header, when present (seconds or an HTTP date).
    public let retryAfter: String?
    /// `many-customer-metadata` results, when the body holds them: each one's `error` (blank
    /// for an ingested item), in the order of the items sent. Their eventIds are not kept; see
    /// `ManyCustomerMetadataResponse.decodeErrors(_:)`.
    public let itemErrors: [String]?
    /// `single-customer-metadata` result, when the body holds it.
    public let singleResult: ItemResult?
    /// The `error` object of a non-2xx answer, when the body holds one.
    public let error: APIErrorBody?

    init(_ response: HTTPResponse, single: Bool) {
        status = response.status
        retryAfter = response.header("Retry-After")
        // The spec answers 200 and 400 with per-item results; any other 2xx is read the same way.
        if (200...299).contains(response.status) || response.status == 400 {
            if single {
                singleResult = SingleCustomerMetadataResponse.decode(response.body)?.result
                itemErrors = nil
            } else {
                itemErrors = ManyCustomerMetadataResponse.decodeErrors(response.body)
                singleResult = nil
            }
        } else {
            itemErrors = nil
            singleResult = nil
        }
        error = (itemErrors == nil && singleResult == nil) ? APIErrorBody.decode(response.body) : nil
    }

    /// The error message to report for a status without per-item results.
    public var errorMessage: String {
        error?.message ?? HTTPStatusText.reason(status)
    }
}

enum HTTPStatusText {
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 413: "Request Entity Too Large"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "status \(status)"
        }
    }
}
