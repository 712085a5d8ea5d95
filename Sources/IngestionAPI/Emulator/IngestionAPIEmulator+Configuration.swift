extension IngestionAPIEmulator {
    /// Starting settings; all of them can be changed at runtime, and `reset()` returns to these.
    public struct Configuration: Sendable, Equatable {
        /// Expected `asapp-api-id` header value.
        public var apiID: String
        /// Expected `asapp-api-secret` header value. Never logged.
        public var apiSecret: String
        /// Schema-valid items whose `externalCustomerId` starts with this prefix are refused with
        /// `FAIL_BUSINESS_RULE`, standing in for refusals the real API makes on its own data.
        /// `nil` (or empty) turns the rule off.
        public var businessRulePrefix: String?
        /// Larger bodies are answered 413. The spec sets no limit; this is the emulator's own.
        public var maxBodyBytes: Int
        /// Answer every item with success without validating it (benchmarks).
        public var fastMode: Bool
        /// Added before every API response.
        public var latency: Duration
        /// Keep each accepted item's bytes in the log. Turn off for long benchmarks: eventIds are
        /// still recorded, but memory no longer grows with item size.
        public var recordItemBytes: Bool

        public init(
            apiID: String = "emulator-api-id",
            apiSecret: String = "emulator-api-secret",
            businessRulePrefix: String? = "refuse-",
            maxBodyBytes: Int = 10 * 1024 * 1024,
            fastMode: Bool = false,
            latency: Duration = .zero,
            recordItemBytes: Bool = true
        ) {
            self.apiID = apiID
            self.apiSecret = apiSecret
            self.businessRulePrefix = businessRulePrefix
            self.maxBodyBytes = maxBodyBytes
            self.fastMode = fastMode
            self.latency = latency
            self.recordItemBytes = recordItemBytes
        }

        var settings: EmulatorState.Settings {
            EmulatorState.Settings(
                apiID: apiID, apiSecret: apiSecret, businessRulePrefix: businessRulePrefix,
                maxBodyBytes: maxBodyBytes, fastMode: fastMode, latency: latency, recordItemBytes: recordItemBytes
            )
        }
    }
}
