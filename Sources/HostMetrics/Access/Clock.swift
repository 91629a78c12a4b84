#if canImport(Glibc)
    import Glibc
#endif

/// The two clocks a pass needs: monotonic for intervals (immune to NTP steps), wall for display.
public enum HostClock {
    public static func monotonic() -> Double { read(CLOCK_MONOTONIC) }
    public static func wall() -> Double { read(CLOCK_REALTIME) }

    public static func now() -> SampleInstant { SampleInstant(monotonic: monotonic(), wall: wall()) }

    private static func read(_ clock: clockid_t) -> Double {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// Constants of the running kernel that the parsers need to turn ticks and pages into seconds and bytes.
public enum KernelConstants {
    public static var ticksPerSecond: Double { Double(sysconf(Int32(_SC_CLK_TCK))) }
    public static var pageSize: UInt64 { UInt64(sysconf(Int32(_SC_PAGESIZE))) }
}
