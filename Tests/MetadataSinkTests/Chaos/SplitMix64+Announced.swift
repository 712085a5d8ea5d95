import Foundation
import TestSupport

extension SplitMix64 {
    /// A generator from a fresh seed (or `CHAOS_SEED`, to replay a run), the seed printed with the
    /// scenario's name, so a failing fuzz corpus or kill schedule can be replayed.
    static func announced(_ scenario: String) -> SplitMix64 {
        let seed = ProcessInfo.processInfo.environment["CHAOS_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        Swift.print("\(scenario): seed \(seed)")
        return SplitMix64(state: seed)
    }
}
