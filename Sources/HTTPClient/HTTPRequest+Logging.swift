extension HTTPRequest {
    /// The URL without user info, query or fragment: those commonly carry API keys,
    /// signatures or personal identifiers, and logs are far less protected than requests.
    var redactedURL: String {
        var result = Substring(url)
        if let end = result.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            result = result[..<end]
        }
        if let schemeEnd = result.firstRange(of: "://") {
            let authorityStart = schemeEnd.upperBound
            let authorityEnd = result[authorityStart...].firstIndex(of: "/") ?? result.endIndex
            if let at = result[authorityStart..<authorityEnd].lastIndex(of: "@") {
                result = result[..<authorityStart] + result[result.index(after: at)...]
            }
        }
        return String(result)
    }
}
