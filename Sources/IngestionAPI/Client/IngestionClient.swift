import HTTPClient
import Logging

/// A client for the two customer endpoints of the Metadata Ingestion API.
///
/// It sends and decodes; it does not retry. What to do with an answer is the pipeline's policy.
public final class IngestionClient: Sendable {
    public let baseURL: String
    private let apiID: String
    private let apiSecret: String
    private let http: HTTPClient

    /// `baseURL` is the API root, e.g. `https://api.sandbox.asapp.com`; a trailing slash is ignored.
    public init(baseURL: String, apiID: String, apiSecret: String, http: HTTPClient) {
        var root = baseURL
        while root.hasSuffix("/") { root.removeLast() }
        self.baseURL = root
        self.apiID = apiID
        self.apiSecret = apiSecret
        self.http = http
    }

    /// `POST many-customer-metadata` with already-serialized items (sent without re-encoding).
    /// Inlinable for the body's sake (see `ManyCustomerMetadataRequest.body(of:)`).
    @inlinable
    public func postMany<Items: Collection & Sendable>(items: Items) async throws -> IngestionResponse where Items.Element: SerializedItem {
        try await postMany(body: ManyCustomerMetadataRequest.body(of: items))
    }

    /// `POST many-customer-metadata` with a body built by `ManyCustomerMetadataRequest`.
    public func postMany(body: [UInt8]) async throws -> IngestionResponse {
        let response = try await http.execute(request(path: MetadataIngestionAPI.manyCustomerMetadataPath, body: body))
        return IngestionResponse(response, single: false)
    }

    /// `POST single-customer-metadata` with one serialized item.
    public func postSingle(item: [UInt8]) async throws -> IngestionResponse {
        let response = try await http.execute(request(path: MetadataIngestionAPI.singleCustomerMetadataPath, body: item))
        return IngestionResponse(response, single: true)
    }

    private func request(path: String, body: [UInt8]) -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: baseURL + path,
            headers: [
                (name: "Content-Type", value: MetadataIngestionAPI.contentType),
                (name: MetadataIngestionAPI.apiIDHeader, value: apiID),
                (name: MetadataIngestionAPI.apiSecretHeader, value: apiSecret),
            ],
            body: body)
    }
}
