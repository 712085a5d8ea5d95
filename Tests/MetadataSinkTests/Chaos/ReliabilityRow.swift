import Foundation

/// One row of the README's Reliability table, printed by each chaos scenario as a Markdown
/// table row (`| scenario | records | lost | duplicates | dead-lettered |`), so that
/// `grep '^| '` over the test output gives the table.
struct ReliabilityRow {
    static let header = "| Scenario | Records | Lost | Duplicates | Dead-lettered |\n|---|---:|---:|---:|---:|"

    var scenario: String
    var accounting: LocalStack.Accounting

    var line: String {
        "| \(scenario) | \(accounting.records) | \(accounting.lost.count) | \(accounting.duplicates) | \(accounting.deadLettered) |"
    }

    func print() {
        Swift.print(line)
        fflush(nil)
    }
}

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

/// SplitMix64: a seeded generator, so a failing fuzz corpus or kill schedule can be replayed
/// from the seed the scenario prints.
struct SeededRandom: RandomNumberGenerator {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A fresh seed (or `CHAOS_SEED`, to replay a run), printed with the scenario's name.
    static func announced(_ scenario: String) -> SeededRandom {
        let seed = ProcessInfo.processInfo.environment["CHAOS_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        Swift.print("\(scenario): seed \(seed)")
        return SeededRandom(seed: seed)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
