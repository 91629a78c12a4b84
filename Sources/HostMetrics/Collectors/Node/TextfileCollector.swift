#if canImport(Glibc)
    import Glibc
#endif
import API
import Logging

/// node_exporter's `textfile`: every `*.prom` file in `TEXTFILE_DIRECTORY` (what cron jobs write), parsed,
/// checked and merged into `/metrics`, with `node_textfile_mtime_seconds{file}` for each file read and
/// `node_textfile_scrape_error`. A broken file is left out and reported (scrape error 1, a log line when
/// it starts failing and when it recovers) but never fails the collector, which would make health
/// `degraded` for a cron job's typo; the other files still show. Without a directory only
/// `node_textfile_scrape_error 0` is exported, as node_exporter does.
///
/// Every pass lists the directory and stats each file; only a file whose mtime, ctime, size or inode changed is
/// read and parsed again, and the merged section is rebuilt only when some file did.
public final class TextfileCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "textfile", reads: ["TEXTFILE_DIRECTORY/*.prom"],
        // "*": the files name their own families; the agent's own are refused (isAgentFamily).
        exports: ["node_textfile_mtime_seconds", "node_textfile_scrape_error", "*"])

    public static func make(_ context: CollectorContext) -> any Collector {
        TextfileCollector(directory: context.textfileDirectory, logger: Logger(label: "textfile"))
    }

    /// Files larger than this are refused rather than read in part.
    static let maxFileBytes = 64 << 20

    private let directory: String?
    private let logger: Logger
    private let isAgentFamily: (String) -> Bool
    private var parsed: [String: (stamp: FileStamp, result: Result<ExpositionText, TextfileMerge.FileFailure>)] = [:]
    private var merged: (stamps: [FileStamp], problems: [String: String], failures: [String: String], section: TextfileSection)?
    /// Files read and parsed since the start; a pass over unchanged files adds none.
    private(set) var reads = 0
    private var failing: [String: String] = [:]

    public init(directory: String?, logger: Logger, isAgentFamily: @escaping (String) -> Bool = TextfileCollector.isAgentFamily) {
        self.directory = directory.flatMap { $0.isEmpty ? nil : $0 }
        self.logger = logger
        self.isAgentFamily = isAgentFamily
    }

    /// A family another collector declares, or one of the agent's own (`shelteragent_*`, the scrape and
    /// textfile families): a textfile may not add samples to those.
    public static func isAgentFamily(_ name: String) -> Bool {
        name.hasPrefix("shelteragent_") || name.hasPrefix("node_scrape_collector_") || name.hasPrefix("node_textfile_")
            || StandardCollectors.all.contains { $0.info.name != info.name && $0.info.declares(name) }
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        guard let directory else { return snapshot.setSection(name, TextfileSection()) }
        var files: [String] = []
        var unreadable: [String: String] = [:]
        for each in Self.directories(matching: directory) {
            do {
                files += try FileTree(root: each).list("").filter { $0.hasSuffix(".prom") }.sorted()
                    .map { Self.cleaned(each + "/" + $0) }
            } catch {
                unreadable[each] = "cannot read the directory: \(error)"
            }
        }
        snapshot.setSection(name, section(files: files, unreadable: unreadable))
    }

    /// What node_exporter reads for its directory setting: the directories a glob pattern matches, or the
    /// setting itself when it matches none (so that a missing directory is reported).
    static func directories(matching pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0, matches.gl_pathc > 0 else { return [pattern] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }
    }

    /// A path as Go's `filepath.Join` leaves it (node_exporter's `file` label): no empty, `.` or
    /// resolvable `..` parts.
    static func cleaned(_ path: String) -> String {
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part != ".." {
                parts.append(part)
            } else if let last = parts.last, last != ".." {
                parts.removeLast()
            } else if !rooted {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return rooted ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// The section for these `*.prom` files (listed, in order) and the directories that could not be
    /// listed; a file listed but gone by the time it is read was removed meanwhile and is left out.
    func section(files: [String], unreadable: [String: String] = [:]) -> TextfileSection {
        var stamps: [FileStamp] = []
        var problems = unreadable
        for path in files {
            switch FileStamp.of(path) {
            // A FIFO or device would block the pass on read (node_exporter would hang its scrape there).
            case .success(let stamp) where !stamp.isRegular: problems[path] = "not a regular file"
            case .success(let stamp): stamps.append(stamp)
            case .failure(let error) where error.isVanished && !FileStamp.isDanglingLink(path): continue
            case .failure(let error): problems[path] = "\(error)"
            }
        }
        if let merged, merged.stamps == stamps, merged.problems == problems {
            note(merged.failures)
            return merged.section
        }
        var inputs: [TextfileMerge.Input] = []
        for stamp in stamps {
            guard let result = read(stamp) else { continue }
            inputs.append(TextfileMerge.Input(path: stamp.path, mtimeSeconds: Double(stamp.mtimeSeconds), parsed: result))
        }
        parsed = parsed.filter { path, _ in stamps.contains { $0.path == path } }
        var (section, failures) = TextfileMerge.merge(inputs, isAgentFamily: isAgentFamily)
        failures.merge(problems) { first, _ in first }
        section.scrapeError = !failures.isEmpty
        section.failures = failures
        merged = (stamps, problems, failures, section)
        note(failures)
        return section
    }

    /// The file parsed, from the cache when its stamp is unchanged; nil when it vanished before reading.
    private func read(_ stamp: FileStamp) -> Result<ExpositionText, TextfileMerge.FileFailure>? {
        if let cached = parsed[stamp.path], cached.stamp == stamp { return cached.result }
        let result: Result<ExpositionText, TextfileMerge.FileFailure>
        reads += 1
        do {
            let bytes = try FileTree.readFile(stamp.path, maxBytes: Self.maxFileBytes)
            if bytes.count == Self.maxFileBytes {
                result = .failure(.init(reason: "larger than \(Self.maxFileBytes >> 20) MiB"))
            } else {
                result = .success(try ExpositionText.parse(bytes))
            }
        } catch let error as FileError where error.isVanished {
            parsed[stamp.path] = nil
            return nil
        } catch let error as ParseError {
            result = .failure(.init(reason: "line \(error.line): \(error.reason): \"\(error.text)\""))
        } catch {
            result = .failure(.init(reason: "\(error)"))
        }
        // A file written in place while it was read shows a new stamp now; it is read again next pass.
        if case .success(let after) = FileStamp.of(stamp.path), after == stamp {
            parsed[stamp.path] = (stamp, result)
        } else {
            parsed[stamp.path] = nil
        }
        return result
    }

    /// Logs a file (or the directory) when it starts failing or fails differently, and when it no longer does.
    private func note(_ failures: [String: String]) {
        for (path, reason) in failures.sorted(by: { $0.key < $1.key }) where failing[path] != reason {
            logger.warning("textfile \(path) refused: \(reason)")
        }
        for path in failing.keys.sorted() where failures[path] == nil {
            logger.info("textfile \(path) no longer fails")
        }
        failing = failures
    }
}

/// What tells a textfile changed without reading it: mtime and ctime to the nanosecond (ctime since
/// `touch -d` can set mtime back), size, inode and device.
struct FileStamp: Equatable {
    var path: String
    var mtimeSeconds: Int
    var mtimeNanoseconds: Int
    var ctimeSeconds: Int
    var ctimeNanoseconds: Int
    var size: Int64
    var inode: UInt64
    var device: UInt64
    var isRegular: Bool

    /// A link whose target is missing: an error to report, where a file gone since the listing is not.
    static func isDanglingLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func of(_ path: String) -> Result<FileStamp, FileError> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(FileError(path: path, errno: errno)) }
        return .success(
            FileStamp(
                path: path, mtimeSeconds: info.st_mtim.tv_sec, mtimeNanoseconds: info.st_mtim.tv_nsec,
                ctimeSeconds: info.st_ctim.tv_sec, ctimeNanoseconds: info.st_ctim.tv_nsec,
                size: Int64(info.st_size), inode: UInt64(info.st_ino), device: UInt64(info.st_dev),
                isRegular: info.st_mode & S_IFMT == S_IFREG))
    }
}
