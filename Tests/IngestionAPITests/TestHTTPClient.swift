import IngestionAPI
import NIOCore
import NIOHTTP1
import NIOPosix

/// A response as the test client saw it.
struct TestResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var json: JSONValue? { try? JSONParser.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first(name: name)
    }
}

/// A minimal HTTP/1.1 client over NIO for talking to the emulator on loopback. (The project's
/// own HTTP client is built on libcurl by another module; these tests must not depend on it.)
enum TestHTTPClient {
    static func withConnection<Result: Sendable>(
        port: Int,
        _ body: (TestConnection) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let connection = TestConnection(inbound: inbound, outbound: outbound)
            return try await body(connection)
        }
    }

    /// A POST on a fresh connection.
    static func send(
        port: Int,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> TestResponse {
        try await send(port: port, .POST, path, headers: headers, body: body)
    }

    /// One request on a fresh connection.
    static func send(
        port: Int,
        _ method: HTTPMethod,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> TestResponse {
        try await withConnection(port: port) { connection in
            try await connection.send(method, path, headers: headers, body: body)
        }
    }
}

/// One keep-alive connection; requests are sent one after the other.
final class TestConnection {
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    struct ConnectionClosed: Error {}

    init(inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>, outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>) {
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    func send(
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> TestResponse {
        try await send(.POST, path, headers: headers, body: body)
    }

    func send(
        _ method: HTTPMethod,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> TestResponse {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "host", value: "127.0.0.1")
        if let body {
            head.headers.add(name: "content-type", value: "application/json")
            head.headers.add(name: "content-length", value: String(body.count))
        }
        for (name, value) in headers {
            head.headers.add(name: name, value: value)
        }
        try await outbound.write(.head(head))
        if let body {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        }
        try await outbound.write(.end(nil))

        var response: TestResponse?
        while let part = try await inbound.next() {
            switch part {
            case .head(let head):
                response = TestResponse(status: Int(head.status.code), headers: head.headers, body: [])
            case .body(let buffer):
                response?.body.append(contentsOf: buffer.readableBytesView)
            case .end:
                if let response { return response }
            }
        }
        throw ConnectionClosed()
    }

    /// True once the server has closed the connection (reads end).
    func isClosedByServer() async throws -> Bool {
        try await inbound.next() == nil
    }
}
