import API

/// Memory and swap from /proc/meminfo, computed exactly as psutil's `virtual_memory()` and
/// `swap_memory()` do so the dashboard's numbers match what users already know.
public final class MemoryCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "memory", cadence: .everyPass, reads: ["proc/meminfo", "proc/zoneinfo (kernels without MemAvailable)"],
        exports: ["node_memory_*", "shelteragent_memory_*", "shelteragent_swap_*"])

    public static func make(_ context: CollectorContext) -> any Collector {
        MemoryCollector(proc: context.roots.proc, pageSize: context.pageSize)
    }

    private let proc: KeptFiles
    private let pageSize: UInt64

    public init(proc: FileTree, pageSize: UInt64) {
        self.proc = KeptFiles(proc)
        self.pageSize = pageSize
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let info = try MemInfo.parse(try proc.read("meminfo"))
        let zone = (info["MemAvailable"] ?? 0) == 0 ? (try? proc.read("zoneinfo")).map(ZoneInfo.parse) : nil
        snapshot.memory = Self.sample(info, zoneInfo: zone, pageSize: pageSize)
    }

    static func sample(_ info: MemInfo, zoneInfo: ZoneInfo?, pageSize: UInt64) -> MemorySample {
        let total = info["MemTotal"] ?? 0
        let free = info["MemFree"] ?? 0
        // MemAvailable of 0 is a known kernel bug (psutil #1915): estimate, as psutil does.
        var available = info["MemAvailable"].flatMap { $0 == 0 ? nil : $0 }
            ?? estimatedAvailable(info, zoneInfo: zoneInfo, pageSize: pageSize)
        // More available than total means a container's distorted view (procps does the same).
        if available > total { available = free }
        let swapTotal = info["SwapTotal"] ?? 0
        let swapUsed = swapTotal - min(info["SwapFree"] ?? 0, swapTotal)
        return MemorySample(
            totalBytes: total, usedBytes: total - available, freeBytes: free, availableBytes: available,
            usagePercent: total == 0 ? 0 : Double(total - available) / Double(total) * 100,
            swapTotalBytes: swapTotal, swapUsedBytes: swapUsed,
            swapUsagePercent: swapTotal == 0 ? 0 : Double(swapUsed) / Double(swapTotal) * 100,
            meminfo: info.fields.map { MemInfoField(name: $0.name, value: $0.value, isBytes: $0.isBytes) })
    }

    /// The kernel's own MemAvailable formula (mm/page_alloc.c, as psutil ports it) for kernels before
    /// 3.14; without the fields it needs, free + cached.
    static func estimatedAvailable(_ info: MemInfo, zoneInfo: ZoneInfo?, pageSize: UInt64) -> UInt64 {
        let free = info["MemFree"] ?? 0
        guard let activeFile = info["Active(file)"], let inactiveFile = info["Inactive(file)"],
            let slabReclaimable = info["SReclaimable"], let zoneInfo
        else { return free + (info["Cached"] ?? 0) }
        let low = Double(zoneInfo.lowWatermarkPages * pageSize)
        var available = Double(free) - low
        let pageCache = Double(activeFile + inactiveFile)
        available += pageCache - min(pageCache / 2, low)
        available += Double(slabReclaimable) - min(Double(slabReclaimable) / 2, low)
        return UInt64(max(available, 0))
    }
}
