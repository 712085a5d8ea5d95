import HTTPClient
import IngestionAPI

/// `metadata-sink run` as a child process, configured through its environment like any
/// deployment, with its health port found in its start-up log.
struct BenchSinkProcess: Sendable {
    let child: BenchChildProcess
    let healthPort: Int

    static func start(
        in environment: BenchEnvironment,
        topic: String,
        group: String,
        batchItems: Int,
        maxInFlight: Int,
        lingerMilliseconds: Int,
        phaseSettings: [String: String] = [:]
    ) async throws -> BenchSinkProcess {
        var variables: [String: String] = [
            "KAFKA_BOOTSTRAP_SERVERS": environment.bootstrapServers,
            "KAFKA_TOPICS": topic,
            "KAFKA_GROUP_ID": group,
            "KAFKA_DLQ_TOPIC": BenchSettings.deadLetterTopic,
            // A new group starts at the beginning of the backlog.
            "KAFKA_PROPERTY_AUTO_OFFSET_RESET": "earliest",
            // The mock coordinator waits a session timeout for departed members.
            "KAFKA_PROPERTY_SESSION_TIMEOUT_MS": "6000",
            "KAFKA_PROPERTY_HEARTBEAT_INTERVAL_MS": "500",
            "API_BASE_URL": environment.apiBaseURL,
            "API_ID": BenchSettings.apiID,
            "API_SECRET": BenchSettings.apiSecret,
            "BATCH_MAX_ITEMS": String(batchItems),
            "MAX_IN_FLIGHT": String(maxInFlight),
            "BATCH_LINGER_MS": String(lingerMilliseconds),
            "HTTP_PORT": "0",
            // Info level: the start-up lines (the health port among them), then little else.
            "LOG_LEVEL": "info",
            "LOG_FORMAT": "json",
        ]
        variables.merge(phaseSettings) { _, phase in phase }
        variables.merge(environment.settings.sinkSettings) { _, extra in extra }
        let child = try BenchChildProcess(name: "run", arguments: ["run"], environment: variables)
        do {
            let line = try await child.firstLine(timeout: .seconds(60)) { line in
                line.contains("\"serving /livez, /readyz and /metrics\"")
            }
            guard let port = (try? JSONParser.parse(line))?["port"]?.stringValue.flatMap({ Int($0) }) else {
                throw BenchError("run logged no health port: \(line)")
            }
            return BenchSinkProcess(child: child, healthPort: port)
        } catch {
            await child.terminate()
            throw error
        }
    }

    /// Returns once `/readyz` answers 200: the consumer has joined its group and got its partitions.
    func waitUntilReady(http: HTTPClient, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        let request = HTTPRequest(method: "GET", url: "http://127.0.0.1:\(healthPort)/readyz")
        while true {
            if let response = try? await http.execute(request), response.status == 200 { return }
            guard child.exitStatus == nil else {
                throw BenchError("run exited (\(child.exitStatus ?? -1)) before it was ready; its last output:\n\(child.lastOutput)")
            }
            guard ContinuousClock.now < deadline else {
                throw BenchError("run was not ready after \(timeout); its last output:\n\(child.lastOutput)")
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}
