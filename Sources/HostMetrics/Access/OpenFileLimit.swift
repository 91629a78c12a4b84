#if canImport(Glibc)
    import Glibc
#endif

/// The soft RLIMIT_NOFILE raised to the hard one (at most 65,536), as Go and Rust runtimes do: the soft
/// 1,024 that systemd and shells give is a relic of select(2), which nothing here uses, and the process
/// scan keeps a /proc/PID/stat open per process (ProcessFiles). Returns the soft limit now in force.
public enum OpenFileLimit {
    @discardableResult
    public static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let wanted = min(limit.rlim_max, 65_536)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
