import Foundation

/// A scratch directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("metadata-sink-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `contents` to `name` (subdirectories created) and returns the full path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }

    func symlink(_ name: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + name, withDestinationPath: destination)
    }
}

/// Settings that make a valid configuration, for tests to change one thing at a time.
enum TestEnvironment {
    static let apiID = "test-api-id-4f2a"
    static let apiSecret = "test-api-secret-9c1e77"

    static let minimal: [String: String] = [
        "KAFKA_BOOTSTRAP_SERVERS": "localhost:9092",
        "KAFKA_TOPICS": "customer-events",
        "KAFKA_DLQ_TOPIC": "customer-events.dlq",
        "API_ID": apiID,
        "API_SECRET": apiSecret,
    ]

    /// `minimal` with `changes` applied: a nil value removes the variable.
    static func minimal(_ changes: [String: String?]) -> [String: String] {
        var environment = minimal
        for (key, value) in changes {
            environment[key] = value
        }
        return environment
    }
}

/// A config file and a secrets directory that disagree with each other and with the defaults,
/// for the precedence tests (in-process and through the binary).
struct PrecedenceFixture {
    let directory: TemporaryDirectory
    let file: String
    var secrets: String { directory.path + "/secrets" }

    init(secretFiles: [String: String] = [:]) throws {
        directory = try TemporaryDirectory()
        file = try directory.write("sink.yaml", """
            KAFKA_GROUP_ID: from-file
            BATCH_MAX_ITEMS: 500
            BATCH_MAX_BYTES: 500000
            MAX_IN_FLIGHT: 5
            """)
        try directory.write("secrets/BATCH_MAX_ITEMS", "400\n")
        try directory.write("secrets/MAX_IN_FLIGHT", "6\n")
        for (name, value) in secretFiles { try directory.write("secrets/" + name, value + "\n") }
    }
}
