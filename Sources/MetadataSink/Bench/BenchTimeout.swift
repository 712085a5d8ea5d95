/// Deadlines for the benchmark's waits: a child that never answers must end the run with an
/// error, not hang it.
enum BenchTimeout {
    struct Expired: Error {}

    /// The operation's result, or `Expired` once `duration` has passed (the operation is cancelled).
    static func run<T: Sendable>(_ duration: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: duration)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Expired() }
            return value
        }
    }
}

/// A benchmark failure, with what went wrong in words.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
