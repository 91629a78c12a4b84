import API

/// CPU usage per core and overall from /proc/stat jiffies, with psutil's definitions: busy is everything
/// but idle and iowait; guest time is already inside user and nice, so it is not counted twice.
public final class CPUCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "cpu", cadence: .everyPass, reads: ["proc/stat", "proc/loadavg"],
        exports: [
            "node_cpu_seconds_total", "node_cpu_guest_seconds_total", "node_load1", "node_load5", "node_load15",
            "node_boot_time_seconds", "node_context_switches_total", "node_forks_total", "node_intr_total",
            "node_procs_running", "node_procs_blocked", "shelteragent_cpu_*",
        ])

    public static func make(_ context: CollectorContext) -> any Collector {
        CPUCollector(proc: context.roots.proc, ticksPerSecond: context.ticksPerSecond)
    }

    private let proc: KeptFiles
    private var previousTotal: ProcStat.CPULine?
    private var previousPerCPU: [String: ProcStat.CPULine] = [:]
    /// USER_HZ: the kernel reports ticks of 1/100 s to user space on every architecture Linux runs on.
    private let ticksPerSecond: Double

    public init(proc: FileTree, ticksPerSecond: Double) {
        self.proc = KeptFiles(proc)
        self.ticksPerSecond = ticksPerSecond
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let stat = try ProcStat.parse(try proc.read("stat"))
        // Load is part of this section but its own file; a missing loadavg must not hide CPU usage.
        let load = try? LoadAvg.parse(try proc.read("loadavg"))
        let usage = Self.busyPercent(from: previousTotal, to: stat.total)
        let perCore = stat.cpus.map { line in Self.busyPercent(from: line.cpu.flatMap { previousPerCPU[$0] }, to: line) }
        previousTotal = stat.total
        previousPerCPU = Dictionary(stat.cpus.map { ($0.cpu ?? "", $0) }, uniquingKeysWith: { _, last in last })

        snapshot.cpu = CPUSample(
            cores: stat.cpus.count, usagePercent: usage, perCorePercent: perCore,
            loadAverage: load.map { [$0.one, $0.five, $0.fifteen] },
            perCoreTimes: stat.cpus.map(times), kernel: kernelCounters(stat))
    }

    /// Busy share between two readings, 0–100; `nil` without a previous reading, when the total went
    /// backwards, or when no tick passed. A single mode going backwards (iowait does, on tickless
    /// kernels) counts as zero, as psutil does.
    static func busyPercent(from previous: ProcStat.CPULine?, to current: ProcStat.CPULine) -> Double? {
        guard let previous else { return nil }
        guard let elapsed = CounterRate.delta(from: countedTicks(previous), to: countedTicks(current)), elapsed > 0
        else { return nil }
        // The exception to the rate rules: one mode going backwards is a kernel accounting quirk, not a reset.
        let deltas = (0..<10).map { mode in Double(CounterRate.delta(from: previous.tick(mode), to: current.tick(mode)) ?? 0) }
        let all = deltas[0..<8].reduce(0, +)
        guard all > 0 else { return nil }
        let busy = all - deltas[3] - deltas[4]
        return min(max(busy / all * 100, 0), 100)
    }

    private static func countedTicks(_ line: ProcStat.CPULine) -> UInt64 {
        (0..<8).reduce(0) { $0 &+ line.tick($1) }
    }

    private func times(_ line: ProcStat.CPULine) -> CPUTimes {
        func seconds(_ mode: Int) -> Double { Double(line.tick(mode)) / ticksPerSecond }
        // node_exporter subtracts guest time from user and nice, since the kernel counts it in both.
        let guest = seconds(8), guestNice = seconds(9)
        return CPUTimes(
            cpu: line.cpu ?? "", user: max(seconds(0) - guest, 0), nice: max(seconds(1) - guestNice, 0),
            system: seconds(2), idle: seconds(3), iowait: seconds(4), irq: seconds(5), softirq: seconds(6),
            steal: seconds(7), guest: guest, guestNice: guestNice)
    }

    private func kernelCounters(_ stat: ProcStat) -> KernelCounters {
        KernelCounters(
            bootTimeSeconds: stat.bootTime.map { Double($0) }, contextSwitches: stat.contextSwitches,
            forks: stat.forks, interrupts: stat.interrupts, procsRunning: stat.procsRunning,
            procsBlocked: stat.procsBlocked)
    }
}
