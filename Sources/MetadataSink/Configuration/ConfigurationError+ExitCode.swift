import ArgumentParser

extension ConfigurationError {
    /// Writes the error to standard error and returns the exit code to throw (78, EX_CONFIG):
    /// `catch let error as ConfigurationError { throw error.reportedExitCode() }`.
    ///
    /// Written to stderr rather than logged, because the log settings may be what is wrong.
    func reportedExitCode() -> ExitCode {
        FileDescriptorWriter.standardError.writeLine(Array("metadata-sink: \(description)\n".utf8))
        return ExitCode(Self.exitCode)
    }
}
