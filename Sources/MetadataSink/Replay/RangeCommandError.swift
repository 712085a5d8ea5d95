/// A problem found while preparing a replay, redrive or offsets command, worded for the user;
/// the command exits with status 1.
struct RangeCommandError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
