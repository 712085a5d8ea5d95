import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on 127.0.0.1 with an ephemeral port, so the client is tested over
/// actual sockets (keep-alive, timeouts, disconnects) rather than against a stub.
final class LoopbackServer: Sendable {
    let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let recorder: LoopbackRecorder

    private init(port: Int, group: MultiThreadedEventLoopGroup, channel: any Channel, recorder: LoopbackRecorder) {
        self.port = port
        self.group = group
        self.channel = channel
        self.recorder = recorder
    }

    static func start() async throws -> LoopbackServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let recorder = LoopbackRecorder()
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    recorder.connectionAccepted()
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(LoopbackRequestHandler(recorder: recorder))
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
            guard let port = channel.localAddress?.port else {
                throw LoopbackServerError.noPort
            }
            return LoopbackServer(port: port, group: group, channel: channel, recorder: recorder)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    func url(_ path: String, scheme: String = "http") -> String {
        "\(scheme)://127.0.0.1:\(port)\(path)"
    }

    /// TCP connections accepted so far; proves (or disproves) keep-alive reuse.
    var acceptedConnections: Int {
        recorder.acceptedConnections
    }

    func waitForRequest(path: String) async {
        await recorder.waitForRequest(path: path)
    }

    /// Also closes connections still held open by `/hang`.
    func shutdown() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }
}

enum LoopbackServerError: Error {
    case noPort
}
