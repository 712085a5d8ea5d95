import Foundation
import Kafka
import Logging
import Pipeline
import ServiceLifecycle
import UnixSignals

/// Work through a fixed range that reports how far each partition is final.
protocol RangeWork: Service {
    var positions: [TopicPartition: Int64] { get }
}

extension SinkPipeline: RangeWork {}
extension DeadLetterRepublisher: RangeWork {}

/// Runs a replay's or redrive's work to its end, showing progress.
///
/// SIGTERM or SIGINT stops it gracefully: no more records are read, work in flight finishes, and
/// (for a redrive) what is final is committed; the summary then shows where each partition
/// stopped. A second signal exits at once (status 130), as `run` does.
struct RangeRunner {
    let label: String
    let ranges: [PartitionRange]
    let logger: Logger

    struct Result {
        var positions: [TopicPartition: Int64]
        var seconds: Double
    }

    func run(_ work: some RangeWork) async throws -> Result {
        let reporter = ProgressReporter(style: ProgressReporter.style(), label: label, total: ranges.totalCount, logger: logger)
        let started = ContinuousClock.now
        let ranges = self.ranges
        let progress = Task { await reporter.run(started: started) { ranges.doneCount(positions: work.positions) } }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: work, successTerminationBehavior: .gracefullyShutdownGroup,
                             failureTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        let logger = self.logger
        let secondSignal = Task {
            var received = 0
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                received += 1
                if received >= 2 {
                    logger.warning("second signal: exiting at once", metadata: ["signal": "\(signal)"])
                    Foundation.exit(130)
                }
            }
        }
        defer { secondSignal.cancel() }
        do {
            try await group.run()
        } catch {
            progress.cancel()
            throw error
        }
        progress.cancel()
        await progress.value
        let elapsed = ContinuousClock.now - started
        let positions = work.positions
        reporter.finish(done: ranges.doneCount(positions: positions), elapsed: elapsed)
        return Result(
            positions: positions,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
