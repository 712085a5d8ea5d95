import Foundation

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
