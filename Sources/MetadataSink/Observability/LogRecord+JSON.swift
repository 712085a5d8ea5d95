import IngestionAPI
import Logging

extension LogRecord {
    /// Field names of the line itself; metadata keys equal to one of them are written as
    /// `metadata.<key>` so that no line has duplicate keys.
    static let reservedJSONKeys: Set<String> = ["ts", "level", "label", "msg", "error"]

    /// One JSON object and a newline:
    /// `{"ts":"2025-01-31T23:59:59.123Z","level":"info","label":"metadata-sink","msg":"…",<metadata…>,"error":"…"}`.
    /// Metadata keys are sorted, so equal records render identically.
    func jsonLine() -> [UInt8] {
        var members: [(key: String, value: JSONValue)] = [
            ("ts", .string(timestamp)),
            ("level", .string(level.rawValue)),
            ("label", .string(label)),
            ("msg", .string(message)),
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            let name = Self.reservedJSONKeys.contains(key) ? "metadata.\(key)" : key
            members.append((name, Self.json(value)))
        }
        if let error {
            members.append(("error", .string(error)))
        }
        var line = JSONValue.object(JSONObject(members)).serialized()
        line.append(UInt8(ascii: "\n"))
        return line
    }

    private static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let text):
            .string(text)
        case .stringConvertible(let convertible):
            .string(convertible.description)
        case .dictionary(let dictionary):
            .object(JSONObject(dictionary.sorted(by: { $0.key < $1.key }).map { (key: $0.key, value: json($0.value)) }))
        case .array(let array):
            .array(array.map(json))
        }
    }
}
