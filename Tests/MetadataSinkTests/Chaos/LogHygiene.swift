import Foundation

/// "Secrets never reach logs; record contents never appear at info level": every line every
/// child of a scenario wrote, searched for the API secret and for the sample records' emails
/// (`user<N>@example.com`) and phones (`(555)555-NNNN`).
enum LogHygiene {
    static func leaks(in children: [ChildProcess]) -> [String] {
        children.flatMap { child in
            let snapshot = child.snapshot
            return (snapshot.stdout + snapshot.stderr)
                .filter { $0.contains(LocalStack.apiSecret) || $0.contains("@example.com") || $0.contains("(555)555-") }
                .map { "\(child.name): \($0)" }
        }
    }
}
