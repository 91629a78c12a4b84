#if canImport(Glibc)
    import Glibc
#endif
import HostMetrics

/// The few file operations the spool and the token writer need, each complete or failed as a whole.
enum DurableFile {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var operation: String
        var code: Int32
        var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    /// Replaces `path` with `bytes` so that a crash leaves either the old file or the new one: write a
    /// temporary file beside it, fsync, rename over, fsync the directory. `synced: false` leaves out the
    /// two fsyncs, for a file that is only a copy of what is durable elsewhere: a process killed at any
    /// moment still leaves the old file or the new one, but a power cut may leave either, or an empty file.
    static func replace(_ path: String, with bytes: [UInt8], mode: mode_t, synced: Bool = true) throws(Failure) {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(path: temporary, operation: "create", code: errno) }
        // The mode given to open is masked by the umask; a token file must be 0600 whatever the umask.
        fchmod(descriptor, mode)
        do throws(Failure) {
            try writeAll(descriptor, bytes, path: temporary)
            guard !synced || fsync(descriptor) == 0 else { throw Failure(path: temporary, operation: "fsync", code: errno) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw Failure(path: path, operation: "rename", code: errno) }
        if synced { syncDirectory(of: path) }
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Failure(path: path, operation: "write", code: errno) }
            offset += written
        }
    }

    static func syncDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    static func makeDirectory(_ path: String) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw Failure(path: prefix, operation: "mkdir", code: errno) }
        }
    }

    static func read(_ path: String, from offset: Int = 0) -> [UInt8]? { try? FileTree.readFile(path, from: offset, maxBytes: 64 << 20) }
}
