#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Where log lines go: the console (stderr by default, so `--once` keeps stdout for JSON; stdout in a
/// container, where that is what `docker logs` shows first) and a file rotated by size
/// (`agent.log` → `agent.log.1` … `.N`). One sink is shared by every logger; writes are serialised.
final class LogSink: Sendable {
    private struct FileState {
        var descriptor: Int32 = -1
        var size = 0
    }

    private let path: String?
    private let console: Int32?
    private let maxBytes: Int
    private let backups: Int
    private let file = Mutex(FileState())
    /// Set once the console's reader is gone (EPIPE): the file keeps the log, and the console is not
    /// written again.
    private let consoleGone = Atomic(false)

    init(path: String?, console: LogConsole, maxBytes: Int, backups: Int) {
        self.path = path
        self.console = console.descriptor
        self.maxBytes = maxBytes
        self.backups = backups
    }

    /// Opens the file now so a bad LOG_FILE is reported at start-up, not lost on the first line.
    func open() throws(LogFileError) { try reopen() }

    func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        if let console, !consoleGone.load(ordering: .relaxed) {
            let written = bytes.withUnsafeBytes { Glibc.write(console, $0.baseAddress, $0.count) }
            // SIGPIPE is ignored (AgentCommand), so a closed reader shows up here instead of killing the agent.
            if written < 0 && errno == EPIPE { consoleGone.store(true, ordering: .relaxed) }
        }
        guard let path else { return }
        file.withLock { state in
            if state.descriptor < 0 || state.size + bytes.count > maxBytes {
                if state.descriptor >= 0 { rotate(path) }
                try? Self.reopen(path, &state)
            }
            guard state.descriptor >= 0 else { return }
            let written = bytes.withUnsafeBytes { Glibc.write(state.descriptor, $0.baseAddress, $0.count) }
            if written > 0 { state.size += written }
        }
    }

    /// Closes the file and opens it again at its path: after logrotate (or anyone) moved it away, new
    /// lines go to a new file there rather than to the moved one. SIGHUP calls this.
    func reopen() throws(LogFileError) {
        guard let path else { return }
        try file.withLock { (state: inout FileState) throws(LogFileError) in try Self.reopen(path, &state) }
    }

    /// The log file's path; nil when logging to the console only.
    var filePath: String? { path }

    private func rotate(_ path: String) {
        guard backups > 0 else {
            unlink(path)
            return
        }
        for index in stride(from: backups - 1, through: 1, by: -1) {
            rename("\(path).\(index)", "\(path).\(index + 1)")
        }
        rename(path, "\(path).1")
    }

    private static func reopen(_ path: String, _ state: inout FileState) throws(LogFileError) {
        if state.descriptor >= 0 { close(state.descriptor) }
        state.descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard state.descriptor >= 0 else { throw LogFileError(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        state.size = fstat(state.descriptor, &info) == 0 ? Int(info.st_size) : 0
    }
}

/// LOG_CONSOLE: which console stream gets the log, if any.
enum LogConsole: String, Sendable, CaseIterable {
    case stderr, stdout, none

    var descriptor: Int32? {
        switch self {
        case .stderr: return 2
        case .stdout: return 1
        case .none: return nil
        }
    }
}

struct LogFileError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot open log file \(path): \(reason)" }
}
