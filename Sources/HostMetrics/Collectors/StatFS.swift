#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// `statvfs` with a deadline. A hung NFS or FUSE mount blocks statvfs for ever; node_exporter learned to
/// run it aside and give up after a timeout. A mount still stuck from an earlier pass is skipped
/// without another call, so stuck threads never pile up. Local disk filesystems answer from counters in
/// memory and never wait on a device, so they are asked directly: the hop to another thread and back
/// cost more than the call itself, every pass.
public final class StatFS: Sendable {
    public struct Usage: Sendable, Equatable {
        /// Block counts times f_frsize, their unit (what psutil and df give).
        public var sizeBytes, freeBytes, availableBytes, files, filesFree: UInt64
        /// f_frsize and f_bsize: node_exporter multiplies the counts by f_bsize instead, which differs on
        /// some FUSE filesystems; nil when not known (tests' stand-ins).
        public var fragmentSize: UInt64?
        public var blockSize: UInt64?

        /// Size, free and available bytes as node_exporter computes them (f_bsize × blocks).
        public var nodeExporterBytes: (size: Double, free: Double, available: Double) {
            guard let fragmentSize, let blockSize, fragmentSize > 0 else {
                return (Double(sizeBytes), Double(freeBytes), Double(availableBytes))
            }
            func scaled(_ bytes: UInt64) -> Double { Double(bytes / fragmentSize) * Double(blockSize) }
            return (scaled(sizeBytes), scaled(freeBytes), scaled(availableBytes))
        }
    }

    public enum Outcome: Sendable, Equatable {
        case usage(Usage)
        case failed(errno: Int32)
        case stuck
    }

    private let timeoutSeconds: Double
    private let pending = Mutex<Set<String>>([])
    private let call: @Sendable (String) -> Outcome
    private let worker = DeadlineWorker()
    /// Threads the calls have started: one, and one more for each call that overran its deadline.
    var threadsStarted: Int { worker.threadsStarted }

    /// `call` is statvfs itself; tests pass one that hangs like a dead NFS server.
    public init(timeoutSeconds: Double = 2, call: @escaping @Sendable (String) -> Outcome = StatFS.statvfsCall) {
        self.timeoutSeconds = timeoutSeconds
        self.call = call
    }

    /// Kernel disk filesystems whose statfs reads in-memory counters only, and the memory-backed ones
    /// (node_exporter lists tmpfs mounts such as /tmp) whose statfs has nothing else to read.
    public static let answersFromMemory: Set<String> = [
        "ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "exfat", "f2fs", "iso9660", "squashfs", "tmpfs", "ramfs",
    ]

    public func usage(of path: String, fstype: String) -> Outcome {
        if Self.answersFromMemory.contains(fstype) { return call(path) }
        let alreadyStuck = pending.withLock { !$0.insert(path).inserted }
        guard !alreadyStuck else { return .stuck }
        // On the worker's thread, which a hung mount keeps for itself: later calls get another.
        let outcome = worker.run(within: timeoutSeconds) { [self] in
            let outcome = call(path)
            pending.withLock { _ = $0.remove(path) }
            return outcome
        }
        return outcome ?? .stuck
    }

    @Sendable public static func statvfsCall(_ path: String) -> Outcome {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return .failed(errno: errno) }
        let unit = UInt64(info.f_frsize)
        return .usage(
            Usage(
                sizeBytes: UInt64(info.f_blocks) * unit, freeBytes: UInt64(info.f_bfree) * unit,
                availableBytes: UInt64(info.f_bavail) * unit, files: UInt64(info.f_files),
                filesFree: UInt64(info.f_ffree), fragmentSize: unit, blockSize: UInt64(info.f_bsize)))
    }
}
