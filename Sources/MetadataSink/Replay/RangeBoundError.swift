/// A bad range option, reported by ArgumentParser as a usage error (status 64).
struct RangeBoundError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
