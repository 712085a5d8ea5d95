import CCurl

extension HTTPClientError {
    /// Maps a failed transfer's result to the error callers branch on (retry, alert, give up).
    /// `detail` is curl's CURLOPT_ERRORBUFFER text, which names the actual cause
    /// (e.g. which host refused), unlike the generic curl_easy_strerror string.
    init(curlCode code: CURLcode, detail: String) {
        let generic = String(cString: curl_easy_strerror(code))
        // curl's buffer text often already ends with the generic text; don't say it twice.
        let message =
            detail.isEmpty ? generic : detail.contains(generic) ? detail : "\(generic): \(detail)"
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout(message)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            self = .connectionFailed(message)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            self = .tls(message)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            // Retrying cannot help; the caller built a bad URL (or a non-HTTP scheme).
            self = .invalidRequest(message)
        default:
            self = .transport(code: Int(code.rawValue), message: message)
        }
    }
}
