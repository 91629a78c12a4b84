#if canImport(Glibc)
    import Glibc
#endif
import API

/// The agent's own process, as every Prometheus exporter reports itself (client_golang's process
/// collector, which node_exporter registers beside its collectors): CPU seconds, memory, open and
/// allowed file descriptors, start time. Read from the agent's own /proc, deliberately not PROC_ROOT
/// (the host's, in a container): the question is this process. node_exporter has no collector of this
/// name; `exporter` is the agent's, so that `collect[]`, health and the timing cover it as they do the rest.
public final class ExporterCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "exporter", reads: ["/proc/self/stat", "/proc/self/limits", "/proc/self/status FDSize", "/proc/self/fd's size (or poll(2) over the descriptor table)", "/proc/stat btime"],
        exports: [
            "process_cpu_seconds_total", "process_open_fds", "process_max_fds", "process_virtual_memory_bytes",
            "process_virtual_memory_max_bytes", "process_resident_memory_bytes", "process_start_time_seconds",
        ])

    public static func make(_ context: CollectorContext) -> any Collector {
        ExporterCollector(ticksPerSecond: context.ticksPerSecond, pageSize: context.pageSize)
    }

    static let cpu = MetricDescriptor("process_cpu_seconds_total", .counter, "CPU time the agent has used, user and system, in seconds.")
    static let openFDs = MetricDescriptor("process_open_fds", .gauge, "File descriptors the agent has open.")
    static let maxFDs = MetricDescriptor("process_max_fds", .gauge, "The agent's limit on open file descriptors (soft).")
    static let virtual = MetricDescriptor("process_virtual_memory_bytes", .gauge, "The agent's virtual memory size, in bytes.")
    static let virtualMax = MetricDescriptor(
        "process_virtual_memory_max_bytes", .gauge, "The agent's limit on virtual memory (soft), in bytes.")
    static let resident = MetricDescriptor("process_resident_memory_bytes", .gauge, "The agent's resident memory, in bytes.")
    static let start = MetricDescriptor("process_start_time_seconds", .gauge, "When the agent started, in unixtime.")

    private let own: KeptFiles
    private let ticksPerSecond: Double
    private let pageSize: UInt64
    /// btime from /proc/stat: fixed until reboot, so read once.
    private var bootTime: Double?
    private var pollSet: [pollfd] = []

    /// `own` is "/proc" in production: this process's, whatever PROC_ROOT says.
    public init(own: FileTree = FileTree(root: "/proc"), ticksPerSecond: Double, pageSize: UInt64) {
        self.own = KeptFiles(own)
        self.ticksPerSecond = ticksPerSecond
        self.pageSize = pageSize
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let stat = try PIDStat.parse(try own.read("self/stat"))
        let limits = try ProcLimits.parse(try own.read("self/limits"))
        let bootTime = try self.bootTime ?? Double(try ProcStat.parse(try own.read("stat")).bootTime ?? 0)
        self.bootTime = bootTime
        let status = try PIDStatus.fdTableSize(try own.read("self/status"))
        let openFDs = countOpenDescriptors(tableSize: min(status, Int(clamping: limits.openFiles)))
        var samples = MetricSamples()
        samples.add(Self.cpu, [], Double(stat.cpuTicks) / ticksPerSecond)
        samples.add(Self.openFDs, [], openFDs)
        samples.add(Self.maxFDs, [], limits.openFiles)
        samples.add(Self.virtual, [], stat.vsizeBytes)
        samples.add(Self.virtualMax, [], limits.addressSpaceBytes)
        samples.add(Self.resident, [], Double(stat.rssPages) * Double(pageSize))
        samples.add(Self.start, [], bootTime + Double(stat.startTicks) / ticksPerSecond)
        snapshot.setSection(name, samples)
    }

    /// Descriptors open below `tableSize`. Listing /proc/self/fd, as client_golang does, makes the kernel
    /// build an entry per descriptor, and the agent keeps one open per process: 120-270 µs a pass here.
    /// Since Linux 6.2 the directory's size is the count (a bitmap's weight, nothing built); before, one
    /// poll(2) marks each closed descriptor POLLNVAL, about 10 µs but a call into every open file (in the
    /// running agent, 2 % of a pass). Either count is client_golang's but for the listing's own descriptor.
    func countOpenDescriptors(tableSize: Int) -> Int? {
        Self.countBySize(of: own.tree.path("self/fd")) ?? countByPolling(tableSize: tableSize)
    }

    /// `nil` before Linux 6.2 (a size of 0), or where the directory is not procfs's.
    static func countBySize(of directory: String) -> Int? {
        var status = stat()
        guard KeptFiles.isKernelGenerated(directory), stat(directory, &status) == 0, status.st_size > 0 else { return nil }
        return Int(status.st_size)
    }

    func countByPolling(tableSize: Int) -> Int? {
        if pollSet.count != tableSize {
            pollSet = (0..<Int32(tableSize)).map { pollfd(fd: $0, events: 0, revents: 0) }
        }
        let ready = pollSet.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), 0) }
        guard ready >= 0 else { return nil }
        return pollSet.reduce(0) { $0 + ($1.revents & Int16(POLLNVAL) == 0 ? 1 : 0) }
    }
}
