/// The `format: email` check for `emailAddress`.
///
/// JSON Schema defines `email` as RFC 5321's `Mailbox` production (section 4.1.2), and that is
/// what is implemented here, ASCII only (internationalised addresses are `idn-email`, a different
/// format):
///
/// ```
/// Mailbox        = Local-part "@" ( Domain / address-literal )
/// Local-part     = Dot-string / Quoted-string
/// Dot-string     = Atom *("." Atom)          ; Atom = 1*atext (RFC 5322)
/// Quoted-string  = DQUOTE *( qtextSMTP / "\" %d32-126 ) DQUOTE
/// Domain         = sub-domain *("." sub-domain)
/// sub-domain     = Let-dig [Ldh-str]         ; letters, digits, hyphens; no hyphen at either end
/// address-literal = "[" ( IPv4-address-literal / "IPv6:" IPv6-addr ) "]"
/// ```
///
/// Choices, so the check is neither looser nor stricter than that grammar:
/// - A single-label domain (`user@localhost`) is valid: the grammar allows it.
/// - Each domain label is at most 63 characters (RFC 1035's label limit, which RFC 5321 domains
///   inherit). The overall size limits of RFC 5321 section 4.5.3.1 (64-octet local part,
///   255-octet domain) are limits on what servers must accept, not syntax, and are not applied.
/// - `General-address-literal` (`[tag:content]`) is refused: it needs an IANA-registered tag and
///   none other than `IPv6` exists.
/// - No surrounding whitespace, comments or display names: those belong to RFC 5322 headers, not
///   to a mailbox.
public enum EmailAddressFormat {
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    public static func isValid(_ text: String) -> Bool {
        invalidReason(text) == nil
    }

    /// Why `text` is not a valid RFC 5321 mailbox, or nil when it is.
    public static func invalidReason(_ text: String) -> String? {
        Array(text.utf8).withUnsafeBufferPointer { invalidReason(utf8: $0) }
    }

    /// The same check on the address's UTF-8 bytes, in place: the item fast path checks
    /// addresses inside the record's own buffer, with no copy per record.
    static func invalidReason(utf8 bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.contains(where: { $0 >= 0x80 }) {
            return "non-ASCII characters are not allowed"
        }
        guard !bytes.isEmpty else { return "empty address" }

        let atIndex: Int
        if bytes[0] == UInt8(ascii: "\"") {
            switch quotedLocalPartEnd(bytes) {
            case .failure(let problem): return problem.reason
            case .success(let closingQuote):
                atIndex = closingQuote + 1
                guard atIndex < bytes.count else { return "missing '@' after the quoted local part" }
                guard bytes[atIndex] == UInt8(ascii: "@") else {
                    return "expected '@' after the quoted local part, found \(describe(bytes[atIndex]))"
                }
            }
        } else {
            // '@' is not atext, so a dot-string local part ends at the first '@'.
            guard let firstAt = bytes.firstIndex(of: UInt8(ascii: "@")) else { return "missing '@'" }
            if let reason = dotStringProblem(bytes[0..<firstAt]) { return reason }
            atIndex = firstAt
        }

        let domain = bytes[(atIndex + 1)...]
        guard let first = domain.first else { return "empty domain" }
        if first == UInt8(ascii: "[") {
            return addressLiteralProblem(domain)
        }
        return domainProblem(domain)
    }

    /// atext from RFC 5322: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static let atext = ASCIICharacterClass(
        pattern: "atext",
        characters: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~"
    )

    static let letterOrDigit = ASCIICharacterClass(
        pattern: "Let-dig",
        characters: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    )

    static func dotStringProblem(_ local: Bytes) -> String? {
        guard !local.isEmpty else { return "empty local part" }
        if local.first == UInt8(ascii: ".") { return "local part starts with '.'" }
        if local.last == UInt8(ascii: ".") { return "local part ends with '.'" }
        let atext = Self.atext
        var previousWasDot = false
        for byte in local {
            if byte == UInt8(ascii: ".") {
                if previousWasDot { return "local part contains consecutive dots" }
                previousWasDot = true
            } else {
                guard atext.contains(byte) else { return "character \(describe(byte)) is not allowed in an unquoted local part" }
                previousWasDot = false
            }
        }
        return nil
    }

    /// The index of the closing quote of a quoted local part starting at index 0.
    static func quotedLocalPartEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Int, QuotedLocalPartProblem> {
        var index = 1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                return .success(index)
            case UInt8(ascii: "\\"):
                // quoted-pairSMTP: a backslash followed by any printable ASCII character or space.
                guard index + 1 < bytes.count, (32...126).contains(bytes[index + 1]) else {
                    return .failure(QuotedLocalPartProblem("invalid escape in the quoted local part"))
                }
                index += 2
            case 32...126:
                index += 1
            default:
                return .failure(QuotedLocalPartProblem("character \(describe(byte)) is not allowed in a quoted local part"))
            }
        }
        return .failure(QuotedLocalPartProblem("unterminated quoted local part"))
    }

    struct QuotedLocalPartProblem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    static func domainProblem(_ domain: Bytes) -> String? {
        let letterOrDigit = Self.letterOrDigit
        var labelStart = domain.startIndex
        var index = domain.startIndex
        while true {
            if index == domain.endIndex || domain[index] == UInt8(ascii: ".") {
                let label = domain[labelStart..<index]
                guard let first = label.first, let last = label.last else { return "empty domain label" }
                if first == UInt8(ascii: "-") { return "domain label starts with '-'" }
                if last == UInt8(ascii: "-") { return "domain label ends with '-'" }
                if label.count > 63 { return "domain label longer than 63 characters" }
                if index == domain.endIndex { return nil }
                labelStart = index + 1
            } else if !letterOrDigit.contains(domain[index]) && domain[index] != UInt8(ascii: "-") {
                return "character \(describe(domain[index])) is not allowed in a domain"
            }
            index += 1
        }
    }

    static func addressLiteralProblem(_ literal: Bytes) -> String? {
        guard literal.count >= 2, literal.last == UInt8(ascii: "]") else { return "unterminated address literal" }
        let content = literal.dropFirst().dropLast()
        let ipv6Tag = Array("IPv6:".utf8)
        if content.starts(with: ipv6Tag) {
            return isIPv6(content.dropFirst(ipv6Tag.count)) ? nil : "invalid IPv6 address literal"
        }
        if content.contains(UInt8(ascii: ":")) {
            return "unsupported address literal (only IPv4 and IPv6: are defined)"
        }
        return isIPv4(content) ? nil : "invalid IPv4 address literal"
    }

    /// `Snum 3("." Snum)`, each Snum 1 to 3 digits with a value of at most 255.
    static func isIPv4(_ text: Bytes) -> Bool {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ (48...57).contains($0) }) else { return false }
            let value = part.reduce(0) { $0 * 10 + Int($1 - 48) }
            guard value <= 255 else { return false }
        }
        return true
    }

    /// RFC 5321's IPv6-addr: full (8 groups), compressed (`::` plus at most 6 groups), and the
    /// same two forms ending in an IPv4 address (6 groups, or `::` plus at most 4).
    static func isIPv6(_ text: Bytes) -> Bool {
        var hexPart = text
        var endsWithIPv4 = false
        if let lastColon = text.lastIndex(of: UInt8(ascii: ":")), text[(lastColon + 1)...].contains(UInt8(ascii: ".")) {
            guard isIPv4(text[(lastColon + 1)...]) else { return false }
            endsWithIPv4 = true
            // Keep the colon so "::1.2.3.4" still shows its "::".
            hexPart = text[..<(lastColon + 1)]
            if hexPart.count >= 2, hexPart.suffix(2).elementsEqual([UInt8(ascii: ":"), UInt8(ascii: ":")]) {
                // Compressed right before the IPv4 part: "...::1.2.3.4".
            } else {
                // "a:b:c:d:e:f:1.2.3.4": drop the separator colon before the IPv4 part.
                hexPart = hexPart.dropLast()
            }
        }
        let doubleColon: [UInt8] = [UInt8(ascii: ":"), UInt8(ascii: ":")]
        if let range = hexPart.firstRange(of: doubleColon) {
            let left = hexPart[..<range.lowerBound]
            let right = hexPart[range.upperBound...]
            guard let leftCount = hexGroups(left), let rightCount = hexGroups(right) else { return false }
            return leftCount + rightCount <= (endsWithIPv4 ? 4 : 6)
        }
        guard let count = hexGroups(hexPart) else { return false }
        return count == (endsWithIPv4 ? 6 : 8)
    }

    /// The number of `1*4HEXDIG` groups separated by single colons (0 for an empty string), or
    /// nil if the text is anything else.
    static func hexGroups(_ text: Bytes) -> Int? {
        guard !text.isEmpty else { return 0 }
        var count = 0
        for group in text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false) {
            guard (1...4).contains(group.count), group.allSatisfy(isHexDigit) else { return nil }
            count += 1
        }
        return count
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
    }

    static func describe(_ byte: UInt8) -> String {
        ASCIICharacterClass.describe(Unicode.Scalar(byte))
    }
}
