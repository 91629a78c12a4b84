#if canImport(Glibc)
    import Glibc
#endif

/// The attribute files of one sysfs directory (a network interface's), kept open and re-read with
/// `pread` as `KeptFiles` does: here opening one costs ten times re-reading it, and netclass reads about
/// twenty per interface every pass. Unlike `KeptFiles`, a descriptor whose attribute the kernel refuses
/// to show for now (EINVAL: the speed of a link that is down) stays open, since the refusal comes from
/// the attribute and not the file, and a file that is not there is not looked for again while the
/// directory lives. Plain files (fixture trees) are opened afresh every time, so a test may change them.
final class SysfsAttributes {
    let tree: FileTree
    let directory: String
    /// The attributes kept open; nil: all. Others are opened for each read and closed again.
    let keeping: Set<String>?
    private var descriptors: [String: Int32] = [:]
    private var missing: Set<String> = []
    private var buffer: PreadBuffer
    private let generated: Bool

    init(_ tree: FileTree, directory: String, keeping: Set<String>? = nil) {
        self.tree = tree
        self.directory = directory
        self.keeping = keeping
        self.buffer = PreadBuffer(maxBytes: 4096)
        self.generated = KeptFiles.isKernelGenerated(tree.path(directory + "/"))
    }

    deinit {
        for descriptor in descriptors.values { close(descriptor) }
    }

    /// An attribute's bytes, or `nil` when it is not there or not shown (node_exporter's rule: not found,
    /// no permission, not supported, invalid argument). Any other error is thrown.
    func read(_ name: String) throws(FileError) -> [UInt8]? {
        if missing.contains(name) { return nil }
        let path = tree.path(directory + "/" + name)
        if let descriptor = descriptors[name] {
            if let count = buffer.read(descriptor, generated: true) { return Array(buffer.bytes[..<count]) }
            if Self.isNotShown(errno) { return nil }
            // ENODEV: the device went away under the descriptor; whatever holds the name now is opened.
            close(descriptor)
            descriptors[name] = nil
        }
        let descriptor = retryingEINTR { open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            let error = FileError(path: path, errno: errno)
            guard Self.isNotShown(error.errno) else { throw error }
            if generated { missing.insert(name) }
            return nil
        }
        let count = buffer.read(descriptor, generated: generated)
        let readErrno = errno
        let keep = generated && keeping?.contains(name) != false
        if keep { descriptors[name] = descriptor } else { close(descriptor) }
        guard let count else {
            guard Self.isNotShown(readErrno) else {
                if keep { descriptors[name] = nil; close(descriptor) }
                throw FileError(path: path, errno: readErrno)
            }
            return nil
        }
        return Array(buffer.bytes[..<count])
    }

    var keptCount: Int { descriptors.count }

    static func isNotShown(_ code: Int32) -> Bool {
        code == ENOENT || code == EACCES || code == EPERM || code == EOPNOTSUPP || code == EINVAL
    }
}

extension FileTree {
    /// The entries of a directory that are not regular files: subdirectories, and the symlinks sysfs
    /// uses for devices (/sys/class/net/eth0); `bonding_masters` beside them is a file.
    public func listNonFiles(_ relative: String) throws(FileError) -> [String] {
        let full = path(relative)
        guard let directory = opendir(full) else { throw FileError(path: full, errno: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard name != "." && name != ".." else { continue }
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {  // filesystems that do not fill d_type: ask lstat
                var info = stat()
                if lstat(full + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG { type = UInt8(DT_REG) }
            }
            if type != UInt8(DT_REG) { names.append(name) }
        }
        return names
    }
}
