import NIOCore
import NIOHTTP1

/// Per-connection HTTP/1.1 handler: aggregates each request body (up to the size limit),
/// hands the complete request to `EmulatorService`, and writes the answer, after the configured
/// latency if any.
///
/// Sits behind NIO's `HTTPServerPipelineHandler`, which holds back pipelined requests until the
/// current response is complete, so at most one response per connection is in flight.
final class EmulatorHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let service: EmulatorService
    private var head: HTTPRequestHead?
    /// The body so far. Kept between requests with its capacity: the request hands it to the
    /// service, which is done with it when `handle` returns, so the next body reuses the storage
    /// instead of allocating (and faulting in) another one of a request's size.
    private var body: [UInt8] = []
    private var bodyTooLarge = false
    private var maxBodyBytes = 0
    private var delayedResponse: Scheduled<Void>?

    init(service: EmulatorService) {
        self.service = service
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.removeAll(keepingCapacity: true)
            bodyTooLarge = false
            maxBodyBytes = service.maxBodyBytes(forURI: head.uri)
            if let declared = head.headers.first(name: "content-length").flatMap(Int.init) {
                if declared > maxBodyBytes {
                    bodyTooLarge = true
                } else {
                    body.reserveCapacity(declared)
                }
            }
            // libcurl asks before sending large bodies; without an answer it waits a second.
            // An over-limit body is still read and discarded, so the connection stays usable.
            if head.version.minor >= 1,
               head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                let interim = HTTPResponseHead(version: head.version, status: .continue)
                context.writeAndFlush(Self.wrapOutboundOut(.head(interim)), promise: nil)
            }
        case .body(let part):
            guard !bodyTooLarge else { return }
            if body.count + part.readableBytes > maxBodyBytes {
                bodyTooLarge = true
                body = [] // release what was buffered; the rest is dropped as it arrives
            } else {
                part.withUnsafeReadableBytes { body.append(contentsOf: $0) }
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let response: EmulatorHTTPResponse
            do {
                let request = EmulatorHTTPRequest(
                    method: head.method,
                    uri: head.uri,
                    headers: head.headers,
                    body: bodyTooLarge ? [] : body,
                    bodyTooLarge: bodyTooLarge
                )
                response = service.handle(request, now: .now)
            }
            // The request is gone, so the body's storage is ours alone again: emptied, not freed.
            body.removeAll(keepingCapacity: true)
            let keepAlive = head.isKeepAlive
            if let awaiting = response.awaiting {
                // A long poll: answered on this event loop once the service has its answer.
                let promise = context.eventLoop.makePromise(of: EmulatorHTTPResponse.self)
                promise.completeWithTask { [service] in await service.answerWait(awaiting.condition, timeout: awaiting.timeout) }
                promise.futureResult.assumeIsolated().whenSuccess { answer in
                    self.write(answer, version: head.version, keepAlive: keepAlive, context: context)
                }
            } else if response.delay > .zero {
                delayedResponse = context.eventLoop.assumeIsolated().scheduleTask(in: .init(response.delay)) {
                    self.delayedResponse = nil
                    self.write(response, version: head.version, keepAlive: keepAlive, context: context)
                }
            } else {
                write(response, version: head.version, keepAlive: keepAlive, context: context)
            }
        }
    }

    private func write(_ response: EmulatorHTTPResponse, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: MetadataIngestionAPI.contentType)
        headers.add(name: "content-length", value: String(response.body.count))
        for (name, value) in response.headers {
            headers.add(name: name, value: value)
        }
        if !keepAlive {
            headers.add(name: "connection", value: "close")
        } else if version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        if keepAlive {
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The client went away while its response was being delayed.
        delayedResponse?.cancel()
        delayedResponse = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
