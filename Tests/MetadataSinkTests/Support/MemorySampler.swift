import Foundation
import Synchronization

extension ChildProcess {
    /// The child's resident set size in bytes (`VmRSS` in `/proc/<pid>/status`), or nil once it
    /// has exited: what the kernel charges it, librdkafka's and libcurl's buffers included.
    var residentBytes: Int? {
        MemorySampler.residentBytes(pid: pid)
    }
}

/// A process's RSS sampled at a fixed period while a scenario runs: the evidence for "memory
/// stays bounded", and the soak's RSS-over-time report. Sampling at a period is a measurement,
/// not a wait for an event.
final class MemorySampler: Sendable {
    struct Sample: Sendable {
        /// Since the sampler started.
        var elapsed: Duration
        var bytes: Int
    }

    private final class Samples: Sendable {
        let list = Mutex<[Sample]>([])
    }

    private let samples = Samples()
    private let task: Task<Void, Never>
    let started = ContinuousClock.now

    /// Samples `source` every `period` until `stop()`; a nil reading (no process) is skipped.
    init(every period: Duration = .milliseconds(250), _ source: @escaping @Sendable () -> Int?) {
        let samples = self.samples
        let started = self.started
        task = Task {
            while !Task.isCancelled {
                if let bytes = source() {
                    samples.list.withLock { $0.append(Sample(elapsed: .now - started, bytes: bytes)) }
                }
                try? await Task.sleep(for: period)
            }
        }
    }

    deinit { task.cancel() }

    func stop() { task.cancel() }

    var all: [Sample] { samples.list.withLock { $0 } }

    /// Samples taken between two moments given as time since the sampler started.
    func samples(from start: Duration, to end: Duration = .seconds(1_000_000)) -> [Sample] {
        all.filter { $0.elapsed >= start && $0.elapsed <= end }
    }

    var peak: Int { all.map(\.bytes).max() ?? 0 }

    static func residentBytes(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            // "VmRSS:\t  123456 kB"
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}
