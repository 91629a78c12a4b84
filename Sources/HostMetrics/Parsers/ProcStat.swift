/// `/proc/stat`: jiffies per CPU and mode, and the kernel's system-wide counters.
public struct ProcStat: Sendable, Equatable {
    /// Ticks per mode for one `cpu` line (the aggregate line has `cpu == nil`).
    public struct CPULine: Sendable, Equatable {
        public var cpu: String?
        /// user nice system idle iowait irq softirq steal guest guest_nice; kernels before 2.6.33 stop
        /// earlier, and the missing fields read as 0.
        public var ticks: [UInt64]

        public func tick(_ index: Int) -> UInt64 { index < ticks.count ? ticks[index] : 0 }
    }

    public var total: CPULine
    public var cpus: [CPULine]
    public var bootTime: UInt64?
    public var contextSwitches: UInt64?
    public var forks: UInt64?
    public var interrupts: UInt64?
    public var procsRunning: UInt64?
    public var procsBlocked: UInt64?

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> ProcStat {
        var total: CPULine?
        var cpus: [CPULine] = []
        var stat = ProcStat(total: CPULine(cpu: nil, ticks: []), cpus: [])
        for (number, line) in ByteFields.lines(bytes[...]).enumerated() {
            let fields = ByteFields.fields(line)
            guard let key = fields.first.map(ByteFields.text) else { continue }
            if key.hasPrefix("cpu") {
                let ticks = fields.dropFirst().compactMap(ByteFields.unsigned)
                guard ticks.count >= 4, ticks.count == fields.count - 1 else {
                    throw ParseError(file: "stat", line: number + 1, reason: "expected 4 to 10 tick counts",
                                     text: ByteFields.text(line))
                }
                if key == "cpu" {
                    total = CPULine(cpu: nil, ticks: ticks)
                } else {
                    cpus.append(CPULine(cpu: String(key.dropFirst(3)), ticks: ticks))
                }
                continue
            }
            let value = fields.count > 1 ? ByteFields.unsigned(fields[1]) : nil
            switch key {
            case "btime": stat.bootTime = value
            case "ctxt": stat.contextSwitches = value
            case "processes": stat.forks = value
            case "intr": stat.interrupts = value
            case "procs_running": stat.procsRunning = value
            case "procs_blocked": stat.procsBlocked = value
            default: continue
            }
        }
        guard let total else { throw ParseError(file: "stat", line: 0, reason: "no aggregate cpu line") }
        stat.total = total
        stat.cpus = cpus
        return stat
    }
}
