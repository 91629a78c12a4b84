#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads whole small files below a root (`/proc`, `/sys`, `/`, or a fixture tree in tests).
///
/// procfs files report a size of 0 or 4096 whatever they hold, so files are read until EOF rather than
/// by `stat` size, with a cap so a runaway file cannot eat memory; `EINTR` is retried.
public struct FileTree: Sendable {
    public let root: String
    /// The largest file read whole; a longer one is cut at this many bytes (a command line can be huge).
    public let maxFileBytes: Int

    public init(root: String, maxFileBytes: Int = 1 << 20) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.maxFileBytes = maxFileBytes
    }

    public func path(_ relative: String) -> String {
        root == "/" ? "/" + relative : root + "/" + relative
    }

    public func read(_ relative: String) throws(FileError) -> [UInt8] {
        try Self.readFile(path(relative), maxBytes: maxFileBytes)
    }

    /// `nil` when the file is not there (or the kernel does not offer it: EOPNOTSUPP for PSI with psi=0).
    public func readIfPresent(_ relative: String) throws(FileError) -> [UInt8]? {
        do {
            return try read(relative)
        } catch where error.isAbsent {
            return nil
        }
    }

    /// A whole file by its own path, relative to the working directory or absolute; from `offset` on,
    /// when one is given.
    public static func readFile(_ full: String, from offset: Int = 0, maxBytes maxFileBytes: Int = 1 << 20) throws(FileError) -> [UInt8] {
        let descriptor = retryingEINTR { open(full, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw FileError(path: full, errno: errno) }
        defer { close(descriptor) }
        if offset > 0 && lseek(descriptor, off_t(offset), SEEK_SET) < 0 { throw FileError(path: full, errno: errno) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        var used = 0
        while true {
            if used == bytes.count {
                guard bytes.count < maxFileBytes else { break }
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, maxFileBytes - bytes.count)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                retryingEINTR { Glibc.read(descriptor, buffer.baseAddress! + used, buffer.count - used) }
            }
            guard count >= 0 else { throw FileError(path: full, errno: errno) }
            if count == 0 { break }
            used += count
        }
        bytes.removeSubrange(used...)
        return bytes
    }

    /// Names in a directory, without `.` and `..`.
    public func list(_ relative: String) throws(FileError) -> [String] {
        let full = path(relative)
        guard let directory = opendir(full) else { throw FileError(path: full, errno: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func exists(_ relative: String) -> Bool {
        access(path(relative), F_OK) == 0
    }
}

/// A file that could not be opened or read, with the path and the system's reason.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let errno: Int32

    /// The file or the process it belonged to is gone: normal for a PID that exits mid-scan.
    public var isVanished: Bool { errno == ENOENT || errno == ESRCH }
    /// Not there to read: vanished, or not offered by this kernel (EOPNOTSUPP for PSI with psi=0).
    public var isAbsent: Bool { isVanished || errno == EOPNOTSUPP }
    public var isPermissionDenied: Bool { errno == EACCES || errno == EPERM }
    public var description: String { "\(path): \(String(cString: strerror(errno)))" }
}

@inline(__always)
func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}
