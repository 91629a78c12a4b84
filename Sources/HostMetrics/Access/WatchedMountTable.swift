#if canImport(Glibc)
    import Glibc
#endif

/// A mount table (/proc/PID/mounts) kept open and generated again only when the kernel says it changed.
///
/// The kernel writes the whole table out, every mount's options included, on each read, where the
/// filesystem collector wanted only to learn that nothing had changed: measured in the running agent,
/// that generation was most of the collector's pass. A mount table marks itself changed to poll(2)
/// (POLLPRI and POLLERR, proc(5)) after any mount, unmount or remount in its namespace, so a poll with no
/// wait tells it for almost nothing. Plain files (fixture trees) have no such mark and are read each time.
final class WatchedMountTable {
    private let tree: FileTree
    /// Tried in order; the first that opens is the one watched (PID 1's, else the agent's own).
    private let candidates: [String]
    private var descriptor: Int32 = -1
    private var table: [UInt8] = []
    private var buffer: PreadBuffer
    /// How many times the table was generated (or, for a plain file, read): for tests.
    private(set) var reads = 0

    init(_ tree: FileTree, candidates: [String]) {
        self.tree = tree
        self.candidates = candidates
        self.buffer = PreadBuffer(maxBytes: tree.maxFileBytes)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The table as it is now.
    func read() throws(FileError) -> [UInt8] {
        if descriptor >= 0 {
            if !changedSinceLastRead() { return table }
            if let count = buffer.read(descriptor, generated: true) {
                reads += 1
                table = Array(buffer.bytes[..<count])
                return table
            }
            close(descriptor)
            descriptor = -1
        }
        // The last failure is the one reported: the agent's own table, the last resort.
        var failure: FileError?
        for candidate in candidates {
            let path = tree.path(candidate)
            guard KeptFiles.isKernelGenerated(path) else {
                do {
                    let bytes = try tree.read(candidate)
                    reads += 1
                    return bytes
                } catch {
                    failure = error
                    continue
                }
            }
            // The change mark starts from the table as it is at open, so the read that follows is current.
            let opened = retryingEINTR { open(path, O_RDONLY | O_CLOEXEC) }
            guard opened >= 0 else {
                failure = FileError(path: path, errno: errno)
                continue
            }
            guard let count = buffer.read(opened, generated: true) else {
                failure = FileError(path: path, errno: errno)
                close(opened)
                continue
            }
            descriptor = opened
            reads += 1
            table = Array(buffer.bytes[..<count])
            return table
        }
        throw failure ?? FileError(path: tree.path(candidates.first ?? ""), errno: ENOENT)
    }

    /// A failed poll counts as a change: reading again is always right, only dearer.
    private func changedSinceLastRead() -> Bool {
        var watched = pollfd(fd: descriptor, events: Int16(POLLPRI), revents: 0)
        let ready = retryingEINTR { poll(&watched, 1, 0) }
        return ready != 0 && (ready < 0 || watched.revents & Int16(POLLPRI | POLLERR | POLLNVAL) != 0)
    }
}
