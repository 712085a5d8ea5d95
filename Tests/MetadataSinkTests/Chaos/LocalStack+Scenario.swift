import Testing

/// The checks every chaos scenario ends with, in one place so that no scenario forgets one.
extension LocalStack {
    /// Every produced record reached the API or the dead-letter topic, each dead letter with the
    /// error its record deserves.
    static func expectNothingLost(_ accounting: Accounting, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(accounting.lost.isEmpty, "\(accounting)", sourceLocation: sourceLocation)
        #expect(accounting.wrongErrors.isEmpty, "\(accounting.wrongErrors.prefix(5))", sourceLocation: sourceLocation)
    }

    /// Stops the scenario's last sink, checks that no line any process wrote (`processes` and
    /// the stack's own children) holds the API secret or a record's email or phone, then closes
    /// the stack.
    func finishScenario(stopping last: ChildProcess, logsOf processes: [ChildProcess],
                        sourceLocation: SourceLocation = #_sourceLocation) async {
        await last.stop()
        let leaks = LogHygiene.leaks(in: processes + children)
        #expect(leaks.isEmpty, "\(leaks.prefix(5))", sourceLocation: sourceLocation)
        await close()
    }
}
