/// Random damage for the agreement tests of the one-pass readers (item fast path, request
/// skimmer, answer reader): each checks, over thousands of mutants of a few valid inputs, that
/// whatever the fast reader accepts, the general parser reads alike. Seeded, so a failing round
/// repeats.
struct ByteMutator {
    /// Xorshift64: tiny and deterministic.
    struct Xorshift {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
    }

    private var random: Xorshift
    /// Bytes that matter to a JSON reader, inserted or written over others.
    let interesting: [UInt8]
    /// Also duplicates a short run of bytes (doubled keys, members, elements).
    let duplicatesRuns: Bool

    init(seed: UInt64, interesting: [UInt8], duplicatesRuns: Bool = false) {
        self.random = Xorshift(seed: seed)
        self.interesting = interesting
        self.duplicatesRuns = duplicatesRuns
    }

    /// `bytes` after one to three mutations: a byte replaced, removed or inserted, a run
    /// duplicated, or the rest cut off.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(1 + random.next(3)) {
            guard !bytes.isEmpty else { break }
            let position = random.next(bytes.count)
            switch random.next(duplicatesRuns ? 5 : 4) {
            case 0: bytes[position] = interesting[random.next(interesting.count)]
            case 1: bytes.remove(at: position)
            case 2: bytes.insert(interesting[random.next(interesting.count)], at: position)
            case 3 where duplicatesRuns:
                let length = min(bytes.count - position, 1 + random.next(12))
                bytes.insert(contentsOf: bytes[position..<(position + length)], at: position)
            default: bytes.removeSubrange(position...)
            }
        }
        return bytes
    }
}
