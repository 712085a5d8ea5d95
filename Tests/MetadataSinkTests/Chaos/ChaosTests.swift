import Foundation
import Testing

/// The reliability suite: faults, bad input and load against the built `metadata-sink run`, as
/// child processes next to `dev-broker` (or an in-process mock cluster when the scenario injects
/// Kafka faults) and the `emulator`.
///
/// Every scenario ends by checking that each produced record reached the API (the emulator's
/// log) or the dead-letter topic with the right error, that the committed offsets reached the
/// end, that no log line carries the API secret or a record's email or phone, and by printing
/// its row of the README's Reliability table:
///
///     swift test --skip-build --filter ChaosTests 2>&1 | grep '^| '
///
/// One scenario at a time: each is timing-sensitive and starts several processes.
@Suite("chaos: faults, bad input and load against the built binary", .serialized)
struct ChaosTests {}
