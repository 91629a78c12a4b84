#if canImport(Glibc)
    import Glibc
#endif

/// The /proc/PID files a pass reads, kept open between passes and re-read with `pread`: the scan's whole
/// cost is in these reads, so they are made the cheapest way.
///
/// Opening a /proc file costs more than the kernel's generating its text (measured here, per file: stat
/// 6.7 µs to open, read and close against 2.7 µs to pread a kept descriptor; statm 4.4 against 0.7; io 5.7
/// against 1.5). stat stays open for every process, and schedstat for kernel threads
/// (`IdleKernelThreads`); statm, io and cmdline only for the processes the table shows, which
/// `keepDetails(only:)` names after each pass. A descriptor stays bound to its process: once
/// that exits, reading fails with ESRCH, so a reused PID is never read through an old descriptor; all of
/// the PID's descriptors are closed and its files opened again by path. Details are kept only while the
/// PID's stat is, so they all belong to the process that stat was first read from. Descriptors are capped
/// below RLIMIT_NOFILE so the endpoint and the push client always have room; past the cap, and on trees
/// that are not procfs (fixtures), each file is opened, read and closed.
final class ProcessFiles {
    enum File: Int, CaseIterable {
        case stat, schedstat, statm, io, cmdline
        var name: String {
            switch self {
            case .stat: "stat"
            case .schedstat: "schedstat"
            case .statm: "statm"
            case .io: "io"
            case .cmdline: "cmdline"
            }
        }

        /// Read for every process the scan lists (schedstat: its kernel threads), not only those shown.
        var isScanned: Bool { self == .stat || self == .schedstat }
    }

    private let proc: FileTree
    private let keepOpen: Bool
    private let maxOpen: Int
    /// Per PID, a descriptor per `File` (by raw value), -1 where none is kept.
    private var kept: [Int32: [Int32]] = [:]
    private(set) var openCount = 0
    /// One buffer for every read. stat, statm and io are well under 4 KiB; a command line may be longer,
    /// and the buffer grows to hold it, up to `proc.maxFileBytes`.
    private var buffer: PreadBuffer

    init(proc: FileTree) {
        self.proc = proc
        self.buffer = PreadBuffer(maxBytes: proc.maxFileBytes)
        // Only procfs has a "self"; a fixture tree's files are plain files that a switch of trees would
        // leave the old descriptors reading.
        keepOpen = proc.exists("self/stat")
        var limit = rlimit()
        let soft = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Int(clamping: limit.rlim_cur) : 1024
        // Half of what is left above a reserve: the rest is the endpoint's, the push client's and the log's.
        maxOpen = max(0, (soft - 1024) / 2)
    }

    deinit {
        for descriptors in kept.values {
            for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
        }
    }

    /// The file's bytes, valid until the next read; `nil` when it cannot be read: the process has exited,
    /// or (io) the agent lacks the privilege.
    func read(_ pid: Int32, _ file: File) -> ArraySlice<UInt8>? {
        if let descriptor = kept[pid]?[file.rawValue], descriptor >= 0 {
            if let count = buffer.read(descriptor, generated: true) { return buffer.bytes[..<count] }
            // Exited since the last pass; the PID may already be another process's.
            forget(pid)
            if file != .stat { return nil }
        }
        let descriptor = retryingEINTR { open(proc.path("\(pid)/\(file.name)"), O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { return nil }
        // Fixture trees' plain files end short reads too: a regular file's read stops short only at its end.
        guard let count = buffer.read(descriptor, generated: true) else {
            close(descriptor)
            return nil
        }
        if keepOpen && openCount < maxOpen && (file == .stat || kept[pid] != nil) {
            kept[pid, default: Array(repeating: -1, count: File.allCases.count)][file.rawValue] = descriptor
            openCount += 1
        } else {
            close(descriptor)
        }
        return buffer.bytes[..<count]
    }

    /// Whether `pid`'s stat is read through a kept descriptor (and so its other files may be).
    func keeps(_ pid: Int32) -> Bool { kept[pid] != nil }

    /// Closes every descriptor of the processes the last listing did not show.
    func keep(only listed: Set<Int32>) {
        for pid in kept.keys where !listed.contains(pid) { forget(pid) }
    }

    /// Closes the detail descriptors (all but the scan's) of processes that are not in the table any more.
    func keepDetails(only shown: Set<Int32>) {
        for (pid, descriptors) in kept where !shown.contains(pid) {
            for file in File.allCases where !file.isScanned && descriptors[file.rawValue] >= 0 {
                close(descriptors[file.rawValue])
                kept[pid]?[file.rawValue] = -1
                openCount -= 1
            }
        }
    }

    private func forget(_ pid: Int32) {
        guard let descriptors = kept.removeValue(forKey: pid) else { return }
        for descriptor in descriptors where descriptor >= 0 {
            close(descriptor)
            openCount -= 1
        }
    }
}
