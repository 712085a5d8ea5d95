import ArgumentParser

/// Writes `metadata-sink: <message>` to standard error and returns exit status 1, for a command
/// that could not do its work (the cluster refused, a partition does not exist…):
/// `throw commandFailure("…")`.
func commandFailure(_ message: String) -> ExitCode {
    FileDescriptorWriter.standardError.writeLine(Array("metadata-sink: \(message)\n".utf8))
    return ExitCode(1)
}
