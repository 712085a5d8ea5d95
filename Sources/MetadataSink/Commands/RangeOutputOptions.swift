import ArgumentParser

/// The options `replay` and `redrive` share: how fast they may send, and how they report.
struct RangeOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Send at most this many records per second to the API.", valueName: "records"))
    var rate: Int?

    @Flag(help: "End with one JSON object on the last line of standard output.")
    var json = false

    func validate() throws {
        if let rate, rate < 1 { throw ValidationError("--rate must be at least 1 record per second, got \(rate)") }
    }
}
