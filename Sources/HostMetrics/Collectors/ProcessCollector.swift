import API

/// Every process's CPU share and memory, with details for the busiest.
///
/// Ranking reads only /proc/PID/stat for every process (a kernel thread's only once it has run again:
/// `IdleKernelThreads`); statm (exact RSS), io and cmdline are read for the top N by CPU and the top N by
/// memory only, which is what keeps a pass cheap on a host with thousands of processes, and status (the
/// user) only when a process enters the table and once a minute after.
/// CPU share comes from the change in a process's ticks between passes, keyed by PID and start time so a
/// reused PID starts fresh instead of inheriting another process's ticks.
public final class ProcessCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "processes", cadence: .everyPass,
        reads: [
            "proc (listed when loadavg's task count or last PID moved)",
            "proc/PID/stat (every process; a kernel thread's when its schedstat moved)",
            "proc/PID/statm, io, cmdline (the top N; a kernel thread's io when its schedstat moved)",
            "proc/PID/status (owner, once a minute)", "rootfs/etc/passwd",
        ],
        exports: ["shelteragent_process_*", "shelteragent_processes"])

    public static func make(_ context: CollectorContext) -> any Collector {
        ProcessCollector(
            roots: context.roots, topN: context.processTopN, scrubber: context.scrubber,
            ticksPerSecond: context.ticksPerSecond, pageSize: context.pageSize)
    }


    struct Identity: Hashable {
        var pid: Int32
        var startTicks: UInt64
    }

    private let proc: FileTree
    /// stat, uptime, meminfo: read every pass through kept descriptors.
    private let kernel: KeptFiles
    private let files: ProcessFiles
    private let listing: ProcessListing
    private var kernelThreads = IdleKernelThreads()
    private let topN: Int
    private let scrubber: CommandLineScrubber
    private let users: UserNames
    private let ticksPerSecond: Double
    private let pageSize: UInt64
    private var previousTicks: [Identity: UInt64] = [:]
    /// What the table showed of each process on the previous pass and is not read again: the scrubbed
    /// command line while /proc/PID/cmdline reads the same bytes (masking secrets was the costliest step of
    /// a pass), the owner and whether io can be read until they are a minute old.
    private var described: [Identity: Description] = [:]
    /// Seconds since boot at the previous pass; nil before the first.
    private var previousUptime: Double?
    /// btime from /proc/stat: fixed until reboot, so read once.
    private var bootTime: Double?

    public init(
        roots: HostRoots, topN: Int, scrubber: CommandLineScrubber, ticksPerSecond: Double, pageSize: UInt64
    ) {
        self.proc = roots.proc
        self.kernel = KeptFiles(roots.proc)
        self.files = ProcessFiles(proc: roots.proc)
        self.listing = ProcessListing(proc: roots.proc)
        self.topN = topN
        self.scrubber = scrubber
        self.users = UserNames(rootfs: roots.rootfs)
        self.ticksPerSecond = ticksPerSecond
        self.pageSize = pageSize
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let bootTime = try self.bootTime ?? Double(try ProcStat.parse(try kernel.read("stat")).bootTime ?? 0)
        self.bootTime = bootTime
        let uptime = try Uptime.parse(try kernel.read("uptime")).seconds
        // The memory collector's, read moments ago in this pass: meminfo is one of the dearer files to read.
        let memoryTotal = snapshot.memory?.totalBytes ?? (try? MemInfo.parse(try kernel.read("meminfo")))?["MemTotal"]
        let scanned = scanStats()
        let percents = scanned.map { cpuPercent($0, uptime: uptime) }
        var table: [ProcessInfo] = []
        var describedNow: [Identity: Description] = [:]
        for index in Self.ranked(scanned, percents: percents, topN: topN) {
            let stat = scanned[index]
            let identity = Identity(pid: stat.pid, startTicks: stat.startTicks)
            guard var description = describe(stat, known: described[identity], now: instant.monotonic),
                let residentPages = residentPages(stat)
            else { continue }  // exited since the scan
            let rss = residentPages * pageSize
            var io: PIDIO?
            if description.ioReadable {
                if let kept = kernelThreads.io(of: stat.pid) {
                    io = kept
                } else {
                    io = files.read(stat.pid, .io).flatMap { try? PIDIO.parse($0) }
                    if let io, stat.isKernelThread { kernelThreads.saw(io, of: stat.pid) }
                }
                description.ioReadable = io != nil
            }
            describedNow[identity] = description
            table.append(
                ProcessInfo(
                    pid: stat.pid, startTime: bootTime + Double(stat.startTicks) / ticksPerSecond,
                    name: description.name,
                    user: description.uid.map { users.name(for: $0, now: instant.monotonic) },
                    status: PIDStat.statusName(stat.state), cpuPercent: percents[index],
                    cpuSecondsTotal: Double(stat.cpuTicks) / ticksPerSecond,
                    memoryPercent: memoryTotal.map { $0 == 0 ? 0 : Double(rss) / Double($0) * 100 },
                    memoryBytes: rss, diskReadBytes: io?.readBytes, diskWriteBytes: io?.writeBytes,
                    command: description.command))
        }
        files.keepDetails(only: Set(table.map(\.pid)))
        described = describedNow
        previousTicks = Dictionary(
            scanned.map { (Identity(pid: $0.pid, startTicks: $0.startTicks), $0.cpuTicks) },
            uniquingKeysWith: { _, last in last })
        previousUptime = uptime
        snapshot.processes = ProcessTable(totalCount: scanned.count, processes: table)
    }

    /// /proc/PID/stat of every process; a PID that exits between listing and reading is skipped.
    private func scanStats() -> [PIDStat] {
        let pids = listing.pids()
        var stats: [PIDStat] = []
        stats.reserveCapacity(pids.count)
        var listed = Set<Int32>(minimumCapacity: pids.count)
        for pid in pids {
            listed.insert(pid)
            // Only through a kept descriptor: opening schedstat by path would cost more than stat saves.
            let schedstat = kernelThreads.isKnown(pid) && files.keeps(pid) ? files.read(pid, .schedstat).map(Array.init) : nil
            if let schedstat, let stat = kernelThreads.unchanged(pid, schedstat: schedstat) {
                stats.append(stat)
                continue
            }
            guard let bytes = files.read(pid, .stat), let stat = try? PIDStat.parse(bytes) else {
                kernelThreads.forget(pid)
                continue
            }
            stats.append(stat)
            kernelThreads.saw(stat, schedstatBefore: schedstat)
        }
        files.keep(only: listed)
        kernelThreads.keep(only: listed)
        return stats
    }

    /// Share of one CPU since the previous pass. A process that started since then is measured over
    /// its own life, so a short-lived burner shows up on the pass after it started rather than as 0.
    private func cpuPercent(_ stat: PIDStat, uptime: Double) -> Double? {
        guard let previousUptime else { return nil }
        let ticksPerSecondOfCPU: Double?
        if let before = previousTicks[Identity(pid: stat.pid, startTicks: stat.startTicks)] {
            ticksPerSecondOfCPU = CounterRate.perSecond(from: before, to: stat.cpuTicks, over: uptime - previousUptime)
        } else {
            // Started since the last pass: all its ticks are this interval's, over its own life.
            let age = uptime - Double(stat.startTicks) / ticksPerSecond
            ticksPerSecondOfCPU = CounterRate.perSecond(from: 0, to: stat.cpuTicks, over: min(age, uptime - previousUptime))
        }
        return ticksPerSecondOfCPU.map { $0 / ticksPerSecond * 100 }
    }

    /// Indices of the top N by CPU (cumulative ticks break ties and stand in on the first pass) followed
    /// by those of the top N by resident memory not already chosen.
    static func ranked(_ stats: [PIDStat], percents: [Double?], topN: Int) -> [Int] {
        let byCPU = stats.indices.sorted { a, b in
            let (pa, pb) = (percents[a] ?? -1, percents[b] ?? -1)
            if pa != pb { return pa > pb }
            if stats[a].cpuTicks != stats[b].cpuTicks { return stats[a].cpuTicks > stats[b].cpuTicks }
            return stats[a].pid < stats[b].pid
        }
        let byMemory = stats.indices.sorted { a, b in
            stats[a].rssPages != stats[b].rssPages ? stats[a].rssPages > stats[b].rssPages : stats[a].pid < stats[b].pid
        }
        var chosen = Array(byCPU.prefix(topN))
        let taken = Set(chosen)
        chosen.append(contentsOf: byMemory.prefix(topN).filter { !taken.contains($0) })
        return chosen
    }

    private struct Description {
        /// /proc/PID/cmdline as read, NUL-separated.
        var cmdline: [UInt8]
        var name: String
        var command: String
        /// The real user id (psutil's `uids().real`); `nil` if status could not be parsed.
        var uid: UInt32?
        /// false once /proc/PID/io could not be read: without ptrace rights over the process (an agent
        /// that is not root sees no other user's) it fails every time, and is tried again with the owner.
        var ioReadable = true
        var checkedAt: Double
    }

    /// A real uid changes only when a process calls setuid, which daemons do as they start: re-reading
    /// status once a minute catches that, where reading it every pass cost more than all other files. The
    /// right to read a process's io changes with its owner, so it is looked at again then too.
    static let ownerRefreshSeconds = 60.0

    /// Kernel threads have no memory map (statm reads all zeros) and no command line, and most processes on
    /// a small host are kernel threads: their two reads are skipped, not guessed.
    private func residentPages(_ stat: PIDStat) -> UInt64? {
        if stat.isKernelThread { return 0 }
        return files.read(stat.pid, .statm).flatMap { try? PIDStatm.parse($0).residentPages }
    }

    /// `nil` when the process has exited.
    private func describe(_ stat: PIDStat, known: Description?, now: Double) -> Description? {
        guard let cmdline = stat.isKernelThread ? [][...] : files.read(stat.pid, .cmdline) else { return nil }
        var description: Description
        if let known, known.cmdline.elementsEqual(cmdline) {
            description = known
        } else {
            let arguments = PIDCmdline.parse(Array(cmdline)).arguments
            description = Description(
                // The name too: argv[0] is whatever the process says it is, and it reaches the `name` label.
                cmdline: Array(cmdline), name: scrubber.scrubName(Self.displayName(comm: stat.comm, arguments: arguments)),
                command: arguments.isEmpty ? "[\(scrubber.scrubName(stat.comm))]" : scrubber.scrub(arguments).joined(separator: " "),
                uid: known?.uid, ioReadable: known?.ioReadable ?? true, checkedAt: known?.checkedAt ?? -.infinity)
        }
        if now - description.checkedAt >= Self.ownerRefreshSeconds || description.uid == nil {
            description.ioReadable = true
            do {
                description.uid = try PIDStatus.parse(try proc.read("\(stat.pid)/status")).realUID
                description.checkedAt = now
            } catch let error as FileError where error.isVanished {
                return nil
            } catch {
                // A zombie's status can be cut short while it is reaped: no owner this pass.
            }
        }
        return description
    }

    /// `comm` is cut at 15 bytes; like psutil, prefer argv[0]'s file name when it starts with it.
    static func displayName(comm: String, arguments: [String]) -> String {
        guard comm.utf8.count >= 15, let first = arguments.first else { return comm }
        let base = first.split(separator: " ").first.map { $0.split(separator: "/").last.map(String.init) ?? "" } ?? ""
        return base.hasPrefix(comm) ? base : comm
    }
}
