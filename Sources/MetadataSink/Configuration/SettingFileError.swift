#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a setting file could not be used, as words for the end of a `ConfigurationError` message.
enum SettingFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case system(errno: Int32)
    case notARegularFile
    case tooLarge
    case notUTF8

    var description: String {
        switch self {
        case .system(let code): String(cString: strerror(code))
        case .notARegularFile: "not a regular file"
        case .tooLarge: "larger than \(SettingFile.maxBytes) bytes"
        case .notUTF8: "not UTF-8 text"
        }
    }
}
