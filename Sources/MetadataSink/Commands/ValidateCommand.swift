import ArgumentParser
import IngestionAPI
import Pipeline

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `metadata-sink validate`: checks JSON lines offline, exactly as the sink would check a
/// record's value before sending it (strict JSON decoding, then the API's item schema).
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check JSON lines against the Metadata Ingestion API's customer schema, offline.",
        discussion: """
            Each non-blank line must be one customer metadata item: a JSON object that decodes \
            strictly (valid UTF-8, no duplicate keys, nothing after the object) and meets the \
            schema. Blank lines are skipped but counted, so line numbers match the input. \
            Exits 1 when any line is invalid, 66 when the input cannot be read, 0 otherwise.
            """
    )

    @Argument(help: ArgumentHelp("A file of JSON lines; - (the default) reads standard input.", valueName: "file"))
    var file: String = "-"

    @Flag(help: #"Print one JSON object per checked line: {"line": n, "valid": bool, "errors": [...]}."#)
    var json = false

    /// The outcome for one input line.
    struct LineResult: Sendable, Equatable {
        /// 1-based line number in the input.
        var line: Int
        /// What is wrong, in the words the sink would write to the dead-letter header; empty when valid.
        var errors: [String]

        var isValid: Bool { errors.isEmpty }
    }

    /// Checks one line (without its newline); nil for a blank line.
    static func check(_ bytes: some Collection<UInt8>, line: Int, maxDepth: Int = PipelineConfiguration().maxJSONDepth) -> LineResult? {
        guard bytes.contains(where: { !isJSONWhitespace($0) }) else { return nil }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, maxDepth: maxDepth)
        } catch {
            return LineResult(line: line, errors: [error.description])
        }
        // Worded as the sink's decode stage words it, so the output matches the dead-letter header.
        guard case .object = value else {
            return LineResult(line: line, errors: ["value is a JSON \(value.typeName), expected an object"])
        }
        return LineResult(line: line, errors: CustomerMetadataValidator.validate(value).map(\.description))
    }

    /// Checks every line of `bytes`; a last line without a newline counts.
    static func check(lines bytes: [UInt8]) -> [LineResult] {
        var splitter = LineSplitter()
        var results: [LineResult] = []
        for (number, line) in splitter.feed(bytes[...]) + splitter.finish() {
            if let result = check(line, line: number) { results.append(result) }
        }
        return results
    }

    /// The output for one result: `line 3: ok`, or `line 4: invalid` followed by one indented
    /// line per error; with `json`, `{"line":4,"valid":false,"errors":["…"]}`. Ends with a newline.
    static func render(_ result: LineResult, json: Bool) -> String {
        if json {
            let object = JSONValue.object(JSONObject([
                ("line", .integer(result.line)),
                ("valid", .bool(result.isValid)),
                ("errors", .array(result.errors.map { .string($0) })),
            ]))
            return object.serializedString + "\n"
        }
        if result.isValid {
            return "line \(result.line): ok\n"
        }
        return "line \(result.line): invalid\n" + result.errors.map { "  \($0)\n" }.joined()
    }

    func run() async throws {
        let fd: Int32
        if file == "-" {
            fd = STDIN_FILENO
        } else {
            fd = open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw Self.cannotRead(file, errno: errno) }
        }
        defer { if fd != STDIN_FILENO { close(fd) } }

        var output = BufferedOutput()
        var splitter = LineSplitter()
        var checked = 0
        var invalid = 0
        func handle(_ lines: [(Int, ArraySlice<UInt8>)]) {
            for (number, line) in lines {
                guard let result = Self.check(line, line: number) else { continue }
                checked += 1
                if !result.isValid { invalid += 1 }
                output.append(Self.render(result, json: json))
            }
        }

        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.cannotRead(file, errno: errno)
            }
            if count == 0 { break }
            handle(splitter.feed(chunk[..<count]))
        }
        handle(splitter.finish())
        output.flush()

        if !json {
            let summary = "\(checked) line\(checked == 1 ? "" : "s") checked: \(checked - invalid) valid, \(invalid) invalid\n"
            FileDescriptorWriter.standardError.writeLine(Array(summary.utf8))
        }
        if invalid > 0 {
            throw ExitCode(1)
        }
    }

    private static func cannotRead(_ file: String, errno code: Int32) -> ExitCode {
        let name = file == "-" ? "standard input" : String(reflecting: file)
        FileDescriptorWriter.standardError.writeLine(Array("metadata-sink validate: cannot read \(name): \(String(cString: strerror(code)))\n".utf8))
        return ExitCode(66) // EX_NOINPUT
    }

    /// RFC 8259 insignificant whitespace; a line of nothing else is blank.
    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Splits a byte stream into numbered lines at `\n`, however the stream is chunked. A `\r`
    /// before the `\n` stays in the line, where JSON reads it as whitespace.
    struct LineSplitter {
        private var pending: [UInt8] = []
        private var lineNumber = 0

        mutating func feed(_ bytes: ArraySlice<UInt8>) -> [(Int, ArraySlice<UInt8>)] {
            var lines: [(Int, ArraySlice<UInt8>)] = []
            var start = bytes.startIndex
            while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
                lineNumber += 1
                if pending.isEmpty {
                    lines.append((lineNumber, bytes[start..<newline]))
                } else {
                    pending.append(contentsOf: bytes[start..<newline])
                    lines.append((lineNumber, pending[...]))
                    pending = []
                }
                start = bytes.index(after: newline)
            }
            pending.append(contentsOf: bytes[start...])
            return lines
        }

        /// The last line, when the input does not end with a newline.
        mutating func finish() -> [(Int, ArraySlice<UInt8>)] {
            guard !pending.isEmpty else { return [] }
            lineNumber += 1
            defer { pending = [] }
            return [(lineNumber, pending[...])]
        }
    }

    /// Collects output and writes it in large pieces: one write per input line would dominate
    /// the run time on big files.
    private struct BufferedOutput {
        private var buffer: [UInt8] = []

        mutating func append(_ text: String) {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 64 * 1024 { flush() }
        }

        mutating func flush() {
            guard !buffer.isEmpty else { return }
            FileDescriptorWriter.standardOutput.writeLine(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
