import Foundation

/// One row of the README's Reliability table, printed by each chaos scenario as a Markdown
/// table row (`| scenario | records | lost | duplicates | dead-lettered |`), so that
/// `grep '^| '` over the test output gives the table.
struct ReliabilityRow {
    static let header = "| Scenario | Records | Lost | Duplicates | Dead-lettered |\n|---|---:|---:|---:|---:|"

    var scenario: String
    var accounting: LocalStack.Accounting

    var line: String {
        "| \(scenario) | \(accounting.records) | \(accounting.lost.count) | \(accounting.duplicates) | \(accounting.deadLettered) |"
    }

    func print() {
        Swift.print(line)
        fflush(nil)
    }
}
