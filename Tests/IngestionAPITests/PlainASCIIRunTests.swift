import Testing
@testable import IngestionAPI

/// The word-at-a-time scan must end every run exactly where a byte-by-byte scan does, wherever
/// the run starts and ends relative to an eight-byte word.
@Suite("PlainASCIIRun")
struct PlainASCIIRunTests {
    static func byteByByte(_ bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, PlainASCIIRun.isPlain(bytes[index]) { index += 1 }
        return index
    }

    @Test("every byte value ends a run or not as the definition says, at every position in a word")
    func everyByteEveryPosition() {
        for value in 0...255 {
            for position in 0..<20 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 20)
                bytes[position] = UInt8(value)
                let expected = Self.byteByByte(bytes, from: 0, to: bytes.count)
                let found = bytes.withUnsafeBufferPointer { PlainASCIIRun.end(in: $0, from: 0, to: $0.count) }
                #expect(found == expected, "byte \(value) at \(position)")
            }
        }
    }

    @Test("random buffers and bounds agree with the byte-by-byte scan")
    func randomBuffers() {
        var random = ByteMutator.Xorshift(seed: 0x5EED_A5C1)
        // Mostly plain bytes, with the ones that end a run sprinkled in, so runs have all lengths.
        let enders: [UInt8] = [0x22, 0x5C, 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, 0x20, 0x21, 0x5B, 0x5D]
        for _ in 0..<5000 {
            let count = random.next(64)
            let bytes: [UInt8] = (0..<count).map { _ in
                random.next(6) == 0 ? enders[random.next(enders.count)] : UInt8(0x20 + random.next(0x60))
            }
            let start = count == 0 ? 0 : random.next(count + 1)
            let end = start + random.next(count - start + 1)
            let expected = Self.byteByByte(bytes, from: start, to: end)
            let found = bytes.withUnsafeBufferPointer { PlainASCIIRun.end(in: $0, from: start, to: end) }
            #expect(found == expected, "\(bytes) from \(start) to \(end)")
        }
    }

    @Test("the end bound is respected even when the bytes beyond it are plain")
    func stopsAtEnd() {
        let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 32)
        for end in 0...32 {
            let found = bytes.withUnsafeBufferPointer { PlainASCIIRun.end(in: $0, from: 0, to: end) }
            #expect(found == end)
        }
    }
}
