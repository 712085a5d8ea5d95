import NIOCore
import NIOHTTP1

/// Routes of the loopback server:
/// - `/echo`: 200 echoing the body; reports the method, the `Expect` header it saw and
///   every `x-*` request header back as `x-echo-*`.
/// - `/status/503`: 503 with `Retry-After: 7`.
/// - `/interim`: a 103 Early Hints with a `Link` header, then 200 with `X-Final: yes`.
/// - `/hang`: never answers, for timeouts, cancellation and shutdown.
/// - anything else: 404.
final class LoopbackRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let recorder: LoopbackRecorder
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(recorder: LoopbackRecorder) {
        self.recorder = recorder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            self.head = nil
            handle(head, context: context)
        }
    }

    private func handle(_ request: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = String(request.uri.split(separator: "?", maxSplits: 1).first ?? "")
        recorder.requestReceived(path: path)
        switch path {
        case "/echo":
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/octet-stream")
            headers.add(name: "X-Method", value: request.method.rawValue)
            headers.add(name: "X-Saw-Expect", value: request.headers["expect"].first ?? "none")
            for (name, value) in request.headers where name.lowercased().hasPrefix("x-") {
                headers.add(name: "x-echo-\(name.lowercased().dropFirst(2))", value: value)
            }
            respond(to: request, status: .ok, headers: headers, body: body, context: context)
        case "/status/503":
            respond(
                to: request, status: .serviceUnavailable, headers: ["Retry-After": "7"],
                body: ByteBuffer(string: "unavailable"), context: context)
        case "/interim":
            let earlyHints = HTTPResponseHead(
                version: request.version, status: .custom(code: 103, reasonPhrase: "Early Hints"),
                headers: ["Link": "</style.css>; rel=preload"])
            context.write(wrapOutboundOut(.head(earlyHints)), promise: nil)
            respond(to: request, status: .ok, headers: ["X-Final": "yes"], body: ByteBuffer(string: "final"), context: context)
        case "/hang":
            break
        default:
            respond(to: request, status: .notFound, headers: [:], body: ByteBuffer(), context: context)
        }
    }

    private func respond(
        to request: HTTPRequestHead, status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer,
        context: ChannelHandlerContext
    ) {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Length", value: "\(body.readableBytes)")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !request.isKeepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
