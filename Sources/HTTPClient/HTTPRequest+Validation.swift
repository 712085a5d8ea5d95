extension HTTPRequest {
    /// Rejects input that would be silently rewritten by libcurl or smuggle extra protocol
    /// lines: curl takes C strings (a NUL truncates) and copies header lines verbatim
    /// (a CR/LF would inject headers or a second request).
    func validate() throws(HTTPClientError) {
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .invalidRequest("method is not an HTTP token")
        }
        let lowercasedURL = url.lowercased()
        guard lowercasedURL.hasPrefix("http://") || lowercasedURL.hasPrefix("https://") else {
            throw .invalidRequest("URL must use http or https")
        }
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw .invalidRequest("URL contains whitespace or control characters")
        }
        for header in headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalidRequest("header name is not an HTTP token")
            }
            // The value itself is not echoed: it may be a credential.
            guard !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw .invalidRequest("value of header \(header.name) contains CR, LF or NUL")
            }
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
