import Configuration
import Foundation

/// Reads a `--secrets-dir`: one file per setting, named like the environment variable, holding
/// the value (a trailing newline dropped). This is how Kubernetes mounts a Secret as a volume.
///
/// Why not swift-configuration's `DirectoryFilesProvider`: in 1.4.0 it keeps only entries that
/// are themselves regular files, and Kubernetes mounts each key as a symbolic link
/// (`API_SECRET -> ..data/API_SECRET`, so that an update can swap `..data` atomically); every
/// key of a mounted Secret would be skipped. Here entries are opened through their links, hidden
/// entries (`..data`, `..2024_…`) and anything that is not a regular file are skipped, and the
/// values go into an `InMemoryProvider`, all marked secret, so they are still read through the
/// same `ConfigReader` as the other sources.
enum SecretsDirectory {
    struct Contents: Sendable {
        /// File name → value.
        var values: [String: String]
        /// Files that exist but could not be used, with the reason.
        var unreadable: [(name: String, reason: SettingFileError)]

        var provider: InMemoryProvider {
            var entries: [AbsoluteConfigKey: ConfigValue] = [:]
            for (name, value) in values {
                entries[AbsoluteConfigKey([name])] = ConfigValue(.string(value), isSecret: true)
            }
            return InMemoryProvider(name: "secrets-dir", values: entries)
        }
    }

    static func load(path: String) -> Result<Contents, SecretsDirectoryError> {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                return .failure(.missing)
            }
            return .failure(isDirectory.boolValue ? .unreadable : .notADirectory)
        }
        var contents = Contents(values: [:], unreadable: [])
        for name in names.sorted() where !name.hasPrefix(".") {
            switch SettingFile.text(atPath: path + "/" + name) {
            case .success(let value):
                contents.values[name] = value
            case .failure(.notARegularFile):
                continue
            case .failure(let reason):
                contents.unreadable.append((name, reason))
            }
        }
        return .success(contents)
    }
}
