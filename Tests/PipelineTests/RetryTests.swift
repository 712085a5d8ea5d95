import Foundation
import HTTPClient
@testable import IngestionAPI
@testable import Pipeline
import Testing
import TestSupport


/// Always the largest value: `Int64.random(in: 0...n)` then yields exactly `n`, the ceiling.
private struct MaximumGenerator: RandomNumberGenerator {
    mutating func next() -> UInt64 { .max }
}

// MARK: - Backoff

@Suite("Backoff")
struct BackoffTests {
    @Test func ceilingDoublesFromBaseUpToCap() {
        var backoff = Backoff(base: .milliseconds(100), cap: .seconds(1))
        var generator = MaximumGenerator()
        var delays: [Duration] = []
        for _ in 0..<7 {
            delays.append(backoff.nextDelay(using: &generator))
        }
        #expect(delays == [100, 200, 400, 800, 1000, 1000, 1000].map { .milliseconds($0) })
        #expect(backoff.attempt == 7)
    }

    @Test func currentCeilingDoesNotAdvanceTheAttempt() {
        let backoff = Backoff(base: .milliseconds(50), cap: .seconds(10))
        #expect(backoff.currentCeiling == .milliseconds(50))
        #expect(backoff.currentCeiling == .milliseconds(50))
        #expect(backoff.attempt == 0)
    }

    @Test("Every delay lies within [0, ceiling]", arguments: [UInt64(0), 1, 7, 123_456_789])
    func delaysStayWithinCeiling(seed: UInt64) {
        var backoff = Backoff(base: .milliseconds(10), cap: .seconds(2))
        var generator = SplitMix64(state: seed)
        for _ in 0..<40 {
            let ceiling = backoff.currentCeiling
            let delay = backoff.nextDelay(using: &generator)
            #expect(delay >= .zero && delay <= ceiling, "delay \(delay), ceiling \(ceiling)")
        }
    }

    @Test func sameSeedSameDelays() {
        func delays(seed: UInt64) -> [Duration] {
            var backoff = Backoff(base: .milliseconds(100), cap: .seconds(30))
            var generator = SplitMix64(state: seed)
            return (0..<10).map { _ in backoff.nextDelay(using: &generator) }
        }
        #expect(delays(seed: 99) == delays(seed: 99))
        #expect(delays(seed: 99) != delays(seed: 100))
    }

    @Test func fullJitterSpreadsOverTheWholeRange() {
        // Full jitter is uniform over [0, ceiling]: the mean is about half the ceiling and the
        // draws reach both ends. "Equal jitter" ([c/2, c]) or no jitter would fail this.
        var generator = SplitMix64(state: 2024)
        let ceiling = Duration.seconds(1)
        var draws: [Double] = []
        for _ in 0..<2000 {
            var backoff = Backoff(base: ceiling, cap: ceiling)
            draws.append(Double(backoff.nextDelay(using: &generator).nanoseconds) / 1e9)
        }
        let mean = draws.reduce(0, +) / Double(draws.count)
        #expect((0.45...0.55).contains(mean), "mean \(mean)")
        #expect(draws.min()! < 0.02)
        #expect(draws.max()! > 0.98)
        #expect(draws.filter { $0 < 0.5 }.count > 900)
    }

    @Test func resetStartsOverFromBase() {
        var backoff = Backoff(base: .milliseconds(100), cap: .seconds(5))
        var generator = MaximumGenerator()
        for _ in 0..<4 { _ = backoff.nextDelay(using: &generator) }
        backoff.reset()
        #expect(backoff.attempt == 0)
        #expect(backoff.nextDelay(using: &generator) == .milliseconds(100))
    }

    @Test func manyAttemptsStayAtTheCapWithoutOverflow() {
        var backoff = Backoff(base: .milliseconds(1), cap: .seconds(3600))
        var generator = MaximumGenerator()
        var last = Duration.zero
        for _ in 0..<100 { last = backoff.nextDelay(using: &generator) }
        #expect(last == .seconds(3600))
        #expect(backoff.currentCeiling == .seconds(3600))
    }

    @Test func zeroBaseNeverWaits() {
        var backoff = Backoff(base: .zero, cap: .seconds(1))
        var generator = SplitMix64(state: 5)
        for _ in 0..<5 { #expect(backoff.nextDelay(using: &generator) == .zero) }
    }

    @Test func systemGeneratorAlsoStaysWithinCeiling() {
        var backoff = Backoff(base: .milliseconds(20), cap: .milliseconds(20))
        for _ in 0..<20 {
            let delay = backoff.nextDelay()
            #expect(delay >= .zero && delay <= .milliseconds(20))
        }
    }
}

// MARK: - Retry-After

@Suite("RetryAfter")
struct RetryAfterTests {
    /// 1994-11-06T08:49:37Z, the example date of RFC 9110.
    static let exampleDate = Date(timeIntervalSince1970: 784_111_777)

    @Test("Delay-seconds", arguments: [
        ("0", Duration.zero),
        ("1", .seconds(1)),
        ("120", .seconds(120)),
        (" 7 ", .seconds(7)),
        ("\t30", .seconds(30)),
        ("0042", .seconds(42)),
        ("86400", .seconds(86400)),
    ])
    func delaySeconds(header: String, expected: Duration) {
        #expect(RetryAfter.parse(header, now: Self.exampleDate) == expected)
    }

    @Test("The three HTTP-date forms", arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT", // IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT", // obsolete RFC 850
        "Sun Nov  6 08:49:37 1994", // obsolete asctime(), day padded with a space
    ])
    func httpDateInTheFuture(header: String) {
        let now = Self.exampleDate.addingTimeInterval(-120)
        #expect(RetryAfter.parse(header, now: now) == .seconds(120))
    }

    @Test func asctimeWithATwoDigitDay() {
        let now = Self.exampleDate.addingTimeInterval(10 * 86400 - 60)
        #expect(RetryAfter.parse("Wed Nov 16 08:49:37 1994", now: now) == .seconds(60))
    }

    @Test("A date in the past or now means retry now", arguments: [0, 1, 86400 * 365] as [Double])
    func pastDateIsZero(secondsAfter: Double) {
        let now = Self.exampleDate.addingTimeInterval(secondsAfter)
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("Sun Nov  6 08:49:37 1994", now: now) == .zero)
    }

    @Test func fractionsOfASecondRoundUpToWholeMilliseconds() {
        // Rounding down could retry a hair before the server's moment.
        let header = "Sun, 06 Nov 1994 08:49:37 GMT"
        #expect(RetryAfter.parse(header, now: Self.exampleDate.addingTimeInterval(-0.25)) == .milliseconds(250))
        #expect(RetryAfter.parse(header, now: Self.exampleDate.addingTimeInterval(-0.0001)) == .milliseconds(1))
    }

    @Test("Absent or unreadable values give nil", arguments: [
        nil, "", "   ", "soon", "-5", "+5", "1.5", "5s", "5 s", "0x10",
        "Sun, 06 Nov 1994", // no time
        "Sun, 06 Nov 1994 08:49:37", // no zone
        "06 Nov 1994 08:49:37 GMT", // no weekday
        "Sun, 32 Nov 1994 08:49:37 GMT", // no such day
        "1994-11-06T08:49:37Z", // ISO 8601 is not an HTTP-date
    ] as [String?])
    func garbageIsNil(header: String?) {
        #expect(RetryAfter.parse(header, now: Self.exampleDate) == nil)
    }

    @Test func delaySecondsBeyondInt64StillReadAsALongDelay() throws {
        // Not readable as Int64, but clearly "a long time": a nil would mean "no hint" and
        // retry at once, the opposite of what the server asked.
        let delay = try #require(RetryAfter.parse("99999999999999999999999", now: Self.exampleDate))
        #expect(delay >= .seconds(86400))
    }

    /// A larger Retry-After must never mean a shorter wait, and no value may overflow a
    /// `Duration` (`Task.sleep(for: .seconds(Int64.max))` traps): delays are capped at a day.
    @Test func largerDelaySecondsNeverMeanAShorterWait() throws {
        let fits = try #require(RetryAfter.parse("9223372036854775807", now: Self.exampleDate))
        let overflows = try #require(RetryAfter.parse("92233720368547758070", now: Self.exampleDate))
        #expect(fits <= overflows)
        #expect(fits == .seconds(RetryAfter.maximumSeconds))
    }
}

// MARK: - BatchSplitter

@Suite("BatchSplitter")
struct BatchSplitterTests {
    @Test("Single records and empty ranges are not split", arguments: [0..<0, 0..<1, 5..<6, 9..<9])
    func nothingToSplit(range: Range<Int>) {
        #expect(BatchSplitter.halves(range) == nil)
    }

    @Test("Halves, first half first", arguments: [
        (0..<2, 0..<1, 1..<2),
        (0..<3, 0..<1, 1..<3),
        (0..<5, 0..<2, 2..<5),
        (0..<8, 0..<4, 4..<8),
        (3..<8, 3..<5, 5..<8),
        (10..<21, 10..<15, 15..<21),
    ])
    func halves(range: Range<Int>, first: Range<Int>, second: Range<Int>) throws {
        let halves = try #require(BatchSplitter.halves(range))
        #expect(halves.first == first)
        #expect(halves.second == second)
    }

    @Test("Repeated halving isolates every record in ceil(log2 n) rounds", arguments: [2, 3, 7, 8, 100, 1000])
    func bisectionTerminates(count: Int) {
        var rounds = 0
        var ranges = [0..<count]
        while ranges.contains(where: { $0.count > 1 }) {
            rounds += 1
            ranges = ranges.flatMap { range -> [Range<Int>] in
                guard let halves = BatchSplitter.halves(range) else { return [range] }
                #expect(!halves.first.isEmpty && !halves.second.isEmpty)
                #expect(halves.first.upperBound == halves.second.lowerBound)
                return [halves.first, halves.second]
            }
        }
        // Contiguous, in order, covering everything exactly once.
        #expect(ranges.map(\.lowerBound) == Array(0..<count))
        #expect(rounds == Int(log2(Double(count)).rounded(.up)))
    }
}

// MARK: - ResponseClassifier

private func response(_ status: Int, _ body: String = "", headers: [(name: String, value: String)] = []) -> IngestionResponse {
    IngestionResponse(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)), single: false)
}

private let twoResults = #"{"errorCount":1,"results":[{"eventId":"a","error":""},{"eventId":"b","error":"bad phone"}]}"#

private func errorBody(_ message: String) -> String {
    #"{"error":{"requestId":"req-1","code":"x-01","message":"\#(message)"}}"#
}

@Suite("ResponseClassifier")
struct ResponseClassifierTests {
    @Test(arguments: [200, 400])
    func resultsMatchingTheItemsArePerItem(status: Int) {
        #expect(ResponseClassifier.classify(response(status, twoResults), itemCount: 2) == .perItem(errors: ["", "bad phone"]))
    }

    @Test(arguments: [(200, 1), (200, 3), (400, 1), (400, 3)])
    func resultsNotMatchingTheItemsAreResentIndividually(status: Int, itemCount: Int) {
        #expect(ResponseClassifier.classify(response(status, twoResults), itemCount: itemCount) == .resendIndividually)
    }

    @Test(arguments: [(200, ""), (200, "not json"), (200, #"{"results":"nope"}"#), (400, ""), (400, "<html>")])
    func unreadableSuccessBodiesAreResentIndividually(status: Int, body: String) {
        #expect(ResponseClassifier.classify(response(status, body), itemCount: 2) == .resendIndividually)
    }

    @Test func aBadRequestWithOnlyAnErrorObjectRejectsTheBatch() {
        #expect(ResponseClassifier.classify(response(400, errorBody("items must be an array")), itemCount: 2)
            == .rejected(message: "items must be an array"))
    }

    @Test func tooLargeCarriesTheMessageOrTheReasonPhrase() {
        #expect(ResponseClassifier.classify(response(413, errorBody("body exceeds 5 MB")), itemCount: 9)
            == .tooLarge(message: "body exceeds 5 MB"))
        #expect(ResponseClassifier.classify(response(413), itemCount: 9) == .tooLarge(message: "Request Entity Too Large"))
    }

    @Test func otherStatusesUseClassifyFailureWithTheBodyMessage() {
        let busy = response(503, errorBody("maintenance"), headers: [("Retry-After", "30")])
        #expect(ResponseClassifier.classify(busy, itemCount: 1) == .retry(reason: "http_503"))
        #expect(busy.retryAfter == "30")
        #expect(ResponseClassifier.classify(response(422, errorBody("eventId reused")), itemCount: 1)
            == .rejected(message: "eventId reused"))
        #expect(ResponseClassifier.classify(response(409), itemCount: 1) == .rejected(message: "Conflict"))
        guard case .misconfigured(let hint) = ResponseClassifier.classify(response(401, errorBody("token expired")), itemCount: 1) else {
            Issue.record("401 must be misconfigured")
            return
        }
        #expect(hint.contains("token expired"))
    }

    @Test("Busy or down: retry the same batch", arguments: [408, 429, 500, 502, 503, 504, 599])
    func retryable(status: Int) {
        #expect(ResponseClassifier.classifyFailure(status: status, message: "m") == .retry(reason: "http_\(status)"))
    }

    @Test("Misconfiguration: hold the records, say what to check", arguments: [
        (401, "API_ID and API_SECRET"),
        (403, "lack permission"),
        (404, "API_BASE_URL"),
        (301, "redirect"),
        (302, "redirect"),
        (307, "redirect"),
        (308, "redirect"),
    ])
    func misconfigured(status: Int, hintMentions: String) throws {
        guard case .misconfigured(let hint) = ResponseClassifier.classifyFailure(status: status, message: "the message") else {
            Issue.record("HTTP \(status) must be misconfigured")
            return
        }
        #expect(hint.contains(hintMentions))
        #expect(hint.contains("HTTP \(status)"))
    }

    @Test("Other statuses reject the batch so bisection isolates the poison records",
          arguments: [400, 402, 409, 413, 418, 422, 451, 600])
    func rejected(status: Int) {
        #expect(ResponseClassifier.classifyFailure(status: status, message: "why") == .rejected(message: "why"))
    }
}
