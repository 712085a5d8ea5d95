import NIOCore
import Synchronization

/// The server's accepted connections, so that stopping the server also closes keep-alive
/// connections (a Prometheus scraper keeps one open) instead of leaving them to the client.
final class OpenConnections: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        channels.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.channels.withLock { $0.removeValue(forKey: id) }
        }
    }

    /// Removes and returns every open connection.
    func takeAll() -> [any Channel] {
        channels.withLock { channels in
            defer { channels.removeAll() }
            return Array(channels.values)
        }
    }
}
