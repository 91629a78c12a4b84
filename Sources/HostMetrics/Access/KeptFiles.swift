#if canImport(Glibc)
    import Glibc
#endif

/// The kernel files a collector reads on every pass (/proc/stat, meminfo, diskstats, cgroup files, …),
/// kept open and re-read from offset 0 with `pread`, which makes the kernel generate them afresh.
///
/// Opening costs a path walk and a file object each time, more than many of these files cost to
/// generate; a pass reads about 25 of them. Only files on procfs, sysfs and cgroupfs are kept: a plain
/// file (a fixture tree in tests, /etc/passwd) may be replaced by a new one, which an old descriptor
/// would never see, so it is opened, read and closed as `FileTree` does. A kept descriptor that fails (a
/// cgroup removed under it) is closed and the path opened again, so the error reported is the path's.
final class KeptFiles {
    let tree: FileTree
    private var descriptors: [String: Int32] = [:]
    /// A collector reads a fixed handful of paths; past this many (a cgroup path that keeps changing),
    /// every descriptor is let go rather than kept forever.
    private static let maxKept = 64
    private var buffer: PreadBuffer

    init(_ tree: FileTree) {
        self.tree = tree
        self.buffer = PreadBuffer(maxBytes: tree.maxFileBytes)
    }

    deinit {
        for descriptor in descriptors.values { close(descriptor) }
    }

    func read(_ relative: String) throws(FileError) -> [UInt8] {
        if let descriptor = descriptors[relative] {
            if let count = buffer.read(descriptor, generated: true) { return Array(buffer.bytes[..<count]) }
            close(descriptor)
            descriptors[relative] = nil
        }
        let path = tree.path(relative)
        let descriptor = retryingEINTR { open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw FileError(path: path, errno: errno) }
        let generated = Self.isKernelGenerated(path)
        guard let count = buffer.read(descriptor, generated: generated) else {
            let error = FileError(path: path, errno: errno)
            close(descriptor)
            throw error
        }
        if generated {
            if descriptors.count >= Self.maxKept {
                for kept in descriptors.values { close(kept) }
                descriptors.removeAll()
            }
            descriptors[relative] = descriptor
        } else {
            close(descriptor)
        }
        return Array(buffer.bytes[..<count])
    }

    /// `nil` when the file is not there (or the kernel does not offer it: EOPNOTSUPP for PSI with psi=0).
    func readIfPresent(_ relative: String) throws(FileError) -> [UInt8]? {
        do {
            return try read(relative)
        } catch where error.isAbsent {
            return nil
        }
    }

    var keptCount: Int { descriptors.count }

    /// Whether `path` lies on procfs, sysfs or a cgroup filesystem, by the mount table as this process
    /// saw it first (Glibc's module leaves out fstatfs, which would ask the file itself).
    static func isKernelGenerated(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        return kernelMountPoints.contains { path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    private static let kernelMountPoints: [String] = {
        let mounts = (try? FileTree.readFile("/proc/self/mounts")).flatMap { try? Mounts.parse($0) }
        return (mounts?.entries ?? []).filter { ["proc", "sysfs", "cgroup", "cgroup2"].contains($0.fstype) }.map(\.mountpoint)
    }()
}
