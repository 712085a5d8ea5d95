import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A response as a plain HTTP/1.1 client saw it.
struct LoopbackResponse: Sendable {
    var status: Int
    /// Header names lower-cased.
    var headers: [String: String]
    var body: String
}

struct LoopbackHTTPError: Error, CustomStringConvertible {
    var operation: String
    var code: Int32

    var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// One request over a fresh loopback TCP connection with `Connection: close`, read to the end.
///
/// Written on plain sockets so that the health server is exercised by a client that shares no
/// code with it (the test target depends on neither NIO nor the project's HTTP client). Reads
/// time out after 30 seconds, so a server that never answers fails the test instead of hanging
/// it. (5 seconds was once too short on a loaded 2-core machine: the suite runs beside the chaos
/// suite's processes, and the server's event loop shares its threads with the tests' emulators.)
enum LoopbackHTTP {
    static func request(
        _ method: String = "GET", host: String = "127.0.0.1", port: Int, path: String, body: String? = nil
    ) throws -> LoopbackResponse {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LoopbackHTTPError(operation: "socket", code: errno) }
        defer { close(fd) }

        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw LoopbackHTTPError(operation: "inet_pton", code: EINVAL) }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw LoopbackHTTPError(operation: "connect", code: errno) }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        if let body {
            head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        }
        let request = Array((head + "\r\n" + (body ?? "")).utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw LoopbackHTTPError(operation: "send", code: errno) }
            sent += count
        }

        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LoopbackHTTPError(operation: "recv", code: errno)
            }
            if count == 0 { break }
            received.append(contentsOf: buffer[..<count])
        }
        return try parse(received)
    }

    private static func parse(_ bytes: [UInt8]) throws -> LoopbackResponse {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw LoopbackHTTPError(operation: "parse", code: EPROTO) }
        let headLines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = headLines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw LoopbackHTTPError(operation: "parse", code: EPROTO) }
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return LoopbackResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
    }
}
