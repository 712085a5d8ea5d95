#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Serialises whole-line writes to one descriptor.
final class FileDescriptorWriter: Sendable {
    static let standardOutput = FileDescriptorWriter(fileDescriptor: 1)
    static let standardError = FileDescriptorWriter(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let lock = Mutex(())

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    @Sendable
    func writeLine(_ bytes: [UInt8]) {
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        // A closed or broken output (EPIPE, EBADF) cannot be logged about; drop the line.
                        return
                    }
                }
            }
        }
    }
}
