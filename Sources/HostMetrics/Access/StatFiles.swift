#if canImport(Glibc)
    import Glibc
#endif

/// /proc/PID/stat for every process, every pass: the scan's whole cost, so it is read the cheapest way.
///
/// On a real procfs each file stays open between passes and is re-read with `pread`: opening and closing
/// a /proc file costs more than generating its text (measured here: 14 µs per process to open, read and
/// close, 6 µs to pread a kept descriptor). An open /proc/PID/stat stays bound to its process: once that
/// exits, reading fails with ESRCH, so a reused PID can never be read through the old descriptor; it is
/// closed and the path opened again. Descriptors are capped below RLIMIT_NOFILE so the endpoint and the
/// push client always have room; past the cap, and on trees that are not procfs (fixtures), each file is
/// opened, read and closed as before.
final class StatFiles {
    private let proc: FileTree
    private let keepOpen: Bool
    private let maxOpen: Int
    private var descriptors: [Int32: Int32] = [:]
    /// One buffer for every read: a stat line is under 1.5 KB, so 4 KiB always holds it whole.
    private var buffer = [UInt8](repeating: 0, count: 4096)

    init(proc: FileTree) {
        self.proc = proc
        // Only procfs has a "self"; a fixture tree's files are plain files that a switch of trees would
        // leave the old descriptors reading.
        keepOpen = proc.exists("self/stat")
        var limit = rlimit()
        let soft = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Int(clamping: limit.rlim_cur) : 1024
        // Half of what is left above a reserve: the rest is the endpoint's, libcurl's and the log's.
        maxOpen = max(0, (soft - 1024) / 2)
    }

    deinit {
        for descriptor in descriptors.values { close(descriptor) }
    }

    /// The parsed stat of `pid`, or `nil` when the process is gone (or its line is not a stat line).
    func stat(_ pid: Int32) -> PIDStat? {
        if let descriptor = descriptors[pid] {
            if let stat = parse(descriptor) { return stat }
            // Exited since the last pass; the PID may already be another process's.
            close(descriptor)
            descriptors[pid] = nil
        }
        let descriptor = retryingEINTR { open(proc.path("\(pid)/stat"), O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { return nil }
        let stat = parse(descriptor)
        if stat != nil && keepOpen && descriptors.count < maxOpen {
            descriptors[pid] = descriptor
        } else {
            close(descriptor)
        }
        return stat
    }

    /// Closes the descriptors of processes the last listing did not show.
    func keep(only listed: Set<Int32>) {
        for (pid, descriptor) in descriptors where !listed.contains(pid) {
            close(descriptor)
            descriptors[pid] = nil
        }
    }

    var openCount: Int { descriptors.count }

    private func parse(_ descriptor: Int32) -> PIDStat? {
        let count = buffer.withUnsafeMutableBytes { raw in
            retryingEINTR { pread(descriptor, raw.baseAddress, raw.count, 0) }
        }
        guard count > 0 else { return nil }
        return try? PIDStat.parse(buffer[..<count])
    }
}
