import Foundation

/// CPU time and memory of a process, as the kernel accounts them in `/proc/<pid>/`.
struct ProcessUsage: Sendable, Equatable {
    /// User plus system time of all its threads so far.
    var cpuSeconds: Double
    /// Peak resident set size (`VmHWM`).
    var peakResidentBytes: Int
    /// Current resident set size (`VmRSS`).
    var residentBytes: Int

    static func read(pid: Int32) -> ProcessUsage? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let cpu = cpuSeconds(stat: stat),
              let peak = kilobytes("VmHWM", in: status),
              let resident = kilobytes("VmRSS", in: status)
        else { return nil }
        return ProcessUsage(cpuSeconds: cpu, peakResidentBytes: peak * 1024, residentBytes: resident * 1024)
    }

    /// `utime` and `stime` (fields 14 and 15, in clock ticks). The command name (field 2) is in
    /// parentheses and may itself contain spaces or parentheses, so fields are counted from the
    /// last `)`.
    static func cpuSeconds(stat: String) -> Double? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / (ticks > 0 ? ticks : 100)
    }

    /// A `Name:\t   1234 kB` line of `/proc/<pid>/status`.
    static func kilobytes(_ name: String, in status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            return number.flatMap { Int($0) }
        }
        return nil
    }

    /// This process (the ceiling child reports on itself).
    static func current() -> ProcessUsage? {
        read(pid: getpid())
    }
}
