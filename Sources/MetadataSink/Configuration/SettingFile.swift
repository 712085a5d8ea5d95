#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the small files some settings name (`API_SECRET_FILE`, `API_CA_FILE`), reporting a
/// failure in the operating system's own words (`No such file or directory`, `Permission denied`),
/// which tell an operator what to fix on a mounted volume better than a generic message.
enum SettingFile {
    /// Files larger than this are refused: a setting file holds a credential or a CA bundle, and a
    /// path pointing at something huge (a device, a log) is a mistake to report, not to read.
    static let maxBytes = 4 * 1024 * 1024

    static func contents(atPath path: String) -> Result<[UInt8], SettingFileError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.system(errno: errno)) }
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.system(errno: errno)) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .failure(.notARegularFile) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.system(errno: errno))
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > maxBytes { return .failure(.tooLarge) }
        }
    }

    /// The file's text with trailing line breaks removed, the convention for secret files (editors
    /// and `kubectl create secret --from-file` leave a final newline that is not part of the value).
    static func text(atPath path: String) -> Result<String, SettingFileError> {
        contents(atPath: path).flatMap { bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.notUTF8) }
            return .success(text.trimmingTrailingLineBreaks())
        }
    }
}
