#if canImport(Glibc)
    import Glibc
#endif

/// Reads the `.env` file's bytes, refusing anything but a regular file. A FIFO given as `.env` would
/// block a plain `open` until a writer came (forever, under systemd), `/dev/zero` would never end, and a
/// directory reads as an error only after the open: so the file is opened with `O_NONBLOCK`, which makes
/// the open of a FIFO return at once, and checked with `fstat` before a byte is read.
enum DotEnvFile {
    /// Why there are no settings from the file.
    enum Failure: Error, Equatable {
        /// Not there: the default `.env` may be absent, a named one may not.
        case missing
        case unusable(String)
    }

    /// More than any settings file needs: a larger one is a mistake, not settings.
    static let maxBytes = 1 << 20

    static func read(_ path: String) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw .missing }
            throw .unusable("cannot read: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unusable("cannot read: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .unusable("not a regular file (\(kind(info.st_mode))); settings are read from a regular file only")
        }
        guard info.st_size <= maxBytes else { throw .unusable("larger than \(maxBytes) bytes: not a settings file") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var used = 0
        while used < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + used, $0.count - used) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .unusable("cannot read: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            used += count
            // The file grew while being read: take what fits the cap, and no more.
            if used == bytes.count && bytes.count <= maxBytes { bytes.append(contentsOf: repeatElement(0, count: 4096)) }
        }
        return Array(bytes[..<min(used, maxBytes)])
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a file"
        }
    }
}
