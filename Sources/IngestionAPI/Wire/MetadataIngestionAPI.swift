/// Fixed facts of the Metadata Ingestion API (shared/spec/*.openapi.yaml).
public enum MetadataIngestionAPI {
    public static let manyCustomerMetadataPath = "/metadata-ingestion/v1/many-customer-metadata"
    public static let singleCustomerMetadataPath = "/metadata-ingestion/v1/single-customer-metadata"

    /// Authentication headers (the spec's `API-ID` and `API-Secret` security schemes).
    public static let apiIDHeader = "asapp-api-id"
    public static let apiSecretHeader = "asapp-api-secret"

    /// `items` in a many-customer-metadata request: `minItems: 1`, `maxItems: 1000`.
    public static let minItemsPerRequest = 1
    public static let maxItemsPerRequest = 1000

    public static let contentType = "application/json"
}
