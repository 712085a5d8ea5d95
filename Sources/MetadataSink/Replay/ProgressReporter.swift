#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

/// Shows how far a replay or redrive is: on a terminal, a progress bar on standard error
/// (records done/total, rate, ETA), redrawn in place; otherwise (a Job's log, a pipe) a log line
/// every `logInterval`.
struct ProgressReporter: Sendable {
    enum Style: Sendable {
        case bar
        case logLines(interval: Duration)
    }

    let style: Style
    let label: String
    let total: Int64
    let logger: Logger

    /// A bar when standard error is a terminal, log lines otherwise.
    static func style(logInterval: Duration = .seconds(10)) -> Style {
        isatty(2) == 1 ? .bar : .logLines(interval: logInterval)
    }

    /// Reports until cancelled; `done` is read at each refresh.
    func run(started: ContinuousClock.Instant, done: @Sendable () -> Int64) async {
        switch style {
        case .bar:
            while !Task.isCancelled {
                draw(done: done(), elapsed: .now - started)
                try? await Task.sleep(for: .milliseconds(200))
            }
        case .logLines(let interval):
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                let snapshot = Self.Snapshot(done: done(), total: total, elapsed: .now - started)
                logger.info("\(label) progress", metadata: [
                    "done": "\(snapshot.done)", "total": "\(snapshot.total)", "percent": "\(snapshot.percent)",
                    "recordsPerSecond": "\(Int(snapshot.rate))", "eta": "\(snapshot.etaText)",
                ])
            }
        }
    }

    /// The last word: a full bar and a line break on a terminal, a log line otherwise.
    func finish(done: Int64, elapsed: Duration) {
        switch style {
        case .bar:
            draw(done: done, elapsed: elapsed)
            FileDescriptorWriter.standardError.writeLine(Array("\n".utf8))
        case .logLines:
            let snapshot = Self.Snapshot(done: done, total: total, elapsed: elapsed)
            logger.info("\(label) finished", metadata: [
                "done": "\(snapshot.done)", "total": "\(snapshot.total)", "recordsPerSecond": "\(Int(snapshot.rate))",
            ])
        }
    }

    private func draw(done: Int64, elapsed: Duration) {
        let line = Self.Snapshot(done: done, total: total, elapsed: elapsed).bar(label: label, width: 30)
        // Carriage return and erase-to-end-of-line: the bar is redrawn in place.
        FileDescriptorWriter.standardError.writeLine(Array("\r\(line)\u{1B}[K".utf8))
    }

    /// Progress at one moment, and its rendering.
    struct Snapshot: Equatable {
        var done: Int64
        var total: Int64
        var elapsed: Duration

        init(done: Int64, total: Int64, elapsed: Duration) {
            self.done = min(max(0, done), max(0, total))
            self.total = max(0, total)
            self.elapsed = elapsed
        }

        var percent: Int { total == 0 ? 100 : Int(done * 100 / total) }

        var seconds: Double {
            Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }

        /// Records per second so far.
        var rate: Double { seconds > 0 ? Double(done) / seconds : 0 }

        /// Time left at the rate so far; nil until there is a rate.
        var eta: Duration? {
            guard done < total else { return .zero }
            guard rate > 0 else { return nil }
            return .seconds(Double(total - done) / rate)
        }

        var etaText: String {
            guard let eta else { return "--:--" }
            let seconds = Int(eta.components.seconds) + (eta.components.attoseconds > 0 ? 1 : 0)
            if seconds >= 3600 { return String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60) }
            return String(format: "%02d:%02d", seconds / 60, seconds % 60)
        }

        /// `replay [############------------------]  40% 400/1000 records  250/s  ETA 00:03`
        func bar(label: String, width: Int) -> String {
            let filled = total == 0 ? width : Int(Int64(width) * done / total)
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let percentText = String(repeating: " ", count: max(0, 3 - String(percent).count)) + String(percent)
            return "\(label) [\(bar)] \(percentText)% \(done)/\(total) records  \(Int(rate))/s  ETA \(etaText)"
        }
    }
}
