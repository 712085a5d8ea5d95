import CCurl

/// One libcurl easy handle plus the state that has to live exactly as long as its transfer:
/// the header list, the error buffer and the response being collected.
///
/// Confined to the transfer thread: a curl handle must never be used from two threads at
/// once, and libcurl calls the write/header callbacks on that thread too.
final class CurlEasyHandle {
    /// The `CURL *`; also the key under which the multi handle reports completion.
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var responseHeaders: [(name: String, value: String)] = []
    private var responseBody: [UInt8] = []
    /// The request body, kept for as long as curl may read it: curl sends it from our buffer
    /// (`POSTFIELDS`), where `COPYPOSTFIELDS` cost a copy (and an allocation as large) per request.
    private var requestBody: [UInt8] = []

    /// Fails only when libcurl cannot allocate.
    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        // curl_easy_cleanup first: the handle may still point at the buffer and the list.
        curl_easy_cleanup(raw)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Sets every option for `request`. Called on a fresh or `reset()` handle, so nothing
    /// from an earlier request (method, body, headers) can leak into this one.
    func prepare(_ request: HTTPRequest, configuration: HTTPClientConfiguration) throws(HTTPClientError) {
        errorBuffer[0] = 0
        // First, so that failures of the options below already produce a readable message.
        try setPointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        try setString(CURLOPT_URL, request.url)
        // Keeps a URL from reaching file://, gopher:// etc. even if validation is bypassed.
        try setString(CURLOPT_PROTOCOLS_STR, "http,https")
        // Signals are process-wide; a library on a background thread must not use them
        // (curl would otherwise use SIGALRM for resolver timeouts).
        try setLong(CURLOPT_NOSIGNAL, 1)
        try setLong(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds)
        try setLong(CURLOPT_TIMEOUT_MS, configuration.totalTimeout.curlMilliseconds)
        try setLong(CURLOPT_SSL_VERIFYPEER, configuration.verifyTLS ? 1 : 0)
        try setLong(CURLOPT_SSL_VERIFYHOST, configuration.verifyTLS ? 2 : 0)
        if let caFile = configuration.caFile {
            try setString(CURLOPT_CAINFO, caFile)
        }
        try setMethodAndBody(request)
        try setHeaders(request.headers)

        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(CCurl_easy_setopt_write_function(raw, CURLOPT_WRITEFUNCTION, curlWriteCallback), "WRITEFUNCTION")
        try setPointer(CURLOPT_WRITEDATA, context)
        try check(CCurl_easy_setopt_write_function(raw, CURLOPT_HEADERFUNCTION, curlHeaderCallback), "HEADERFUNCTION")
        try setPointer(CURLOPT_HEADERDATA, context)
    }

    /// Returns the handle to a pristine state for the pool. curl_easy_reset keeps the
    /// handle's DNS and TLS session caches, which is the point of pooling.
    func reset() {
        curl_easy_reset(raw)
        curl_slist_free_all(headerList)
        headerList = nil
        responseHeaders = []
        responseBody = []
        requestBody = []
        errorBuffer[0] = 0
    }

    /// The response of a transfer that finished with CURLE_OK; moves the body out, no copy.
    func takeResponse() -> HTTPResponse {
        var status = 0
        if CCurl_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK {
            status = 0
        }
        let response = HTTPResponse(status: status, headers: responseHeaders, body: responseBody)
        responseHeaders = []
        responseBody = []
        return response
    }

    /// curl's description of the last failure, e.g. "Failed to connect to host port 1".
    var errorDetail: String {
        String(cString: errorBuffer)
    }

    // MARK: Callback sinks (called from CurlEasyHandle+Callbacks.swift)

    func receiveBody(_ bytes: UnsafeRawBufferPointer) {
        responseBody.append(contentsOf: bytes)
    }

    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        var bytes = line[...]
        while let last = bytes.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            bytes = bytes.dropLast()
        }
        if bytes.starts(with: "HTTP/".utf8) {
            // A new status line: whatever came before belonged to an interim (1xx) or proxy
            // CONNECT response, and callers want only the final response's headers.
            responseHeaders = []
            return
        }
        guard let first = bytes.first else { return }  // blank line ending the header block
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            // Obsolete line folding: continues the previous header's value.
            if !responseHeaders.isEmpty {
                let continuation = String(decoding: Self.trimmed(bytes), as: UTF8.self)
                responseHeaders[responseHeaders.count - 1].value += " " + continuation
            }
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: Self.trimmed(bytes[..<colon]), as: UTF8.self)
        let value = String(decoding: Self.trimmed(bytes[(colon + 1)...]), as: UTF8.self)
        responseHeaders.append((name: name, value: value))
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var bytes = bytes
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            bytes = bytes.dropFirst()
        }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            bytes = bytes.dropLast()
        }
        return bytes
    }

    // MARK: Options

    private func setMethodAndBody(_ request: HTTPRequest) throws(HTTPClientError) {
        switch request.method {
        case "HEAD":
            // Without NOBODY curl would wait for a body that a HEAD response never has.
            try setLong(CURLOPT_NOBODY, 1)
            return
        case "GET" where request.body.isEmpty:
            try setLong(CURLOPT_HTTPGET, 1)
            return
        default:
            break
        }
        let sendsBody = !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method)
        if sendsBody {
            // The size must be set first: curl then sends exactly that many bytes (the body may
            // contain NULs).
            try check(CCurl_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)), "POSTFIELDSIZE_LARGE")
            // A NULL pointer would make curl fall back to the read callback (stdin), so an empty
            // body still needs a valid address: a one-byte array, of which curl sends nothing.
            requestBody = request.body.isEmpty ? [0] : request.body
            // The address stays valid until `reset()` or deinit: the array is stored here and
            // never mutated, so its buffer is neither freed nor moved while curl reads it.
            let code = requestBody.withUnsafeBytes { bytes in
                CCurl_easy_setopt_pointer(raw, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
            try check(code, "POSTFIELDS")
        }
        if request.method != "POST" {
            try setString(CURLOPT_CUSTOMREQUEST, request.method)
        }
    }

    private func setHeaders(_ headers: [(name: String, value: String)]) throws(HTTPClientError) {
        var sawExpect = false
        for header in headers {
            sawExpect = sawExpect || header.name.lowercased() == "expect"
            // "Name:" would tell curl to remove the header; "Name;" sends it with an empty value.
            try appendRequestHeader(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        if !sawExpect {
            // curl sends "Expect: 100-continue" for bodies over 1 MiB and then waits up to a
            // second for a 100 that many servers never send; the sink always wants to send.
            try appendRequestHeader("Expect:")
        }
        try setPointer(CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))
    }

    private func appendRequestHeader(_ line: String) throws(HTTPClientError) {
        // On failure curl_slist_append returns NULL and leaves the old list intact; it stays
        // in `headerList` so that reset()/deinit still free it.
        guard let list = curl_slist_append(headerList, line) else {
            throw .transport(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "out of memory building header list")
        }
        headerList = list
    }

    private func setLong(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(CCurl_easy_setopt_long(raw, option, value), option)
    }

    private func setString(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        // libcurl copies string options, so the temporary C string may die after the call.
        try check(CCurl_easy_setopt_string(raw, option, value), option)
    }

    private func setPointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) throws(HTTPClientError) {
        try check(CCurl_easy_setopt_pointer(raw, option, value), option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPClientError) {
        try check(code, "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw HTTPClientError(curlCode: code, detail: "setting \(what)")
        }
    }
}
