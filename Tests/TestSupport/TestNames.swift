import Logging

/// A logger for the parts a test is not about: only critical lines.
public func quietLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .critical
    return logger
}

/// Topic and group names unique to one test, so that tests sharing a cluster never meet.
public func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
}
