import HTTPClient

/// HTTPClientError carries messages, so it is not Equatable; tests compare the case only.
extension HTTPClientError {
    enum Kind: Equatable {
        case timeout, connectionFailed, tls, invalidRequest, shutdown, transport
    }

    var kind: Kind {
        switch self {
        case .timeout: .timeout
        case .connectionFailed: .connectionFailed
        case .tls: .tls
        case .invalidRequest: .invalidRequest
        case .shutdown: .shutdown
        case .transport: .transport
        }
    }
}
