/// Memory and swap, with psutil's `virtual_memory()` / `swap_memory()` definitions so the dashboard's
/// figures do not jump when a host switches agents.
public struct MemorySample: Sendable {
    public var totalBytes: UInt64
    /// total − available, as psutil (since 6.0) and `free` compute it.
    public var usedBytes: UInt64
    public var freeBytes: UInt64
    public var availableBytes: UInt64
    /// (total − available) / total, 0–100.
    public var usagePercent: Double
    public var swapTotalBytes: UInt64
    public var swapUsedBytes: UInt64
    public var swapUsagePercent: Double
    /// Every /proc/meminfo field in file order, for node_memory_<Field>_bytes.
    public var meminfo: [MemInfoField]

    public init(
        totalBytes: UInt64, usedBytes: UInt64, freeBytes: UInt64, availableBytes: UInt64,
        usagePercent: Double, swapTotalBytes: UInt64, swapUsedBytes: UInt64, swapUsagePercent: Double,
        meminfo: [MemInfoField]
    ) {
        self.totalBytes = totalBytes
        self.usedBytes = usedBytes
        self.freeBytes = freeBytes
        self.availableBytes = availableBytes
        self.usagePercent = usagePercent
        self.swapTotalBytes = swapTotalBytes
        self.swapUsedBytes = swapUsedBytes
        self.swapUsagePercent = swapUsagePercent
        self.meminfo = meminfo
    }
}

/// One /proc/meminfo line: a value in bytes when the kernel wrote "kB", a plain count otherwise.
public struct MemInfoField: Sendable, Equatable {
    /// The kernel's field name, e.g. `Active(file)`.
    public var name: String
    public var value: UInt64
    public var isBytes: Bool

    public init(name: String, value: UInt64, isBytes: Bool) {
        self.name = name
        self.value = value
        self.isBytes = isBytes
    }
}
