/// `/proc/PID/stat`: the one file read for every process on every pass.
public struct PIDStat: Sendable, Equatable {
    public var pid: Int32
    /// `comm`: at most 15 bytes, and it may contain spaces and parentheses.
    public var comm: String
    public var state: UInt8
    public var utimeTicks: UInt64
    public var stimeTicks: UInt64
    public var numThreads: Int64
    /// Ticks after boot at which the process started; with the PID, what identifies a process.
    public var startTicks: UInt64
    public var rssPages: Int64

    public var cpuTicks: UInt64 { utimeTicks &+ stimeTicks }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> PIDStat {
        // The name sits between the first "(" and the *last* ")": a process may call itself "a) (b".
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
            let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close,
            let pid = ByteFields.unsigned(bytes[..<open].filter { $0 != ByteFields.space }[...])
        else {
            throw ParseError(file: "PID/stat", line: 1, reason: "no \"pid (comm)\" prefix", text: ByteFields.text(bytes[...]))
        }
        // Fields after the name start at field 3 (state); see proc(5) for the numbering.
        let rest = ByteFields.fields(bytes[(close + 1)...].prefix { $0 != ByteFields.newline })
        func number(_ field: Int) -> UInt64? { field - 3 < rest.count ? ByteFields.unsigned(rest[field - 3]) : nil }
        func signed(_ field: Int) -> Int64? { field - 3 < rest.count ? ByteFields.signed(rest[field - 3]) : nil }
        guard rest.count >= 22, let state = rest[0].first, let utime = number(14), let stime = number(15),
            let threads = signed(20), let start = number(22), let rss = signed(24)
        else {
            throw ParseError(file: "\(pid)/stat", line: 1, reason: "expected at least 24 fields", text: ByteFields.text(bytes[...]))
        }
        return PIDStat(
            pid: Int32(truncatingIfNeeded: pid), comm: ByteFields.text(bytes[(open + 1)..<close]), state: state,
            utimeTicks: utime, stimeTicks: stime, numThreads: threads, startTicks: start, rssPages: rss)
    }

    /// psutil's names for the kernel's one-letter states.
    public static func statusName(_ state: UInt8) -> String {
        switch state {
        case UInt8(ascii: "R"): return "running"
        case UInt8(ascii: "S"): return "sleeping"
        case UInt8(ascii: "D"): return "disk-sleep"
        case UInt8(ascii: "T"): return "stopped"
        case UInt8(ascii: "t"): return "tracing-stop"
        case UInt8(ascii: "Z"): return "zombie"
        case UInt8(ascii: "X"), UInt8(ascii: "x"): return "dead"
        case UInt8(ascii: "K"): return "wake-kill"
        case UInt8(ascii: "W"): return "waking"
        case UInt8(ascii: "P"): return "parked"
        case UInt8(ascii: "I"): return "idle"
        default: return "unknown"
        }
    }
}

/// `/proc/PID/status`, only the real user id (psutil's `uids().real`, which `username()` names).
public struct PIDStatus: Sendable, Equatable {
    public var realUID: UInt32
    /// VmRSS in bytes; absent for kernel threads. Exact where /proc/PID/stat's rss is the kernel's cheap
    /// per-CPU estimate (pages off by tens on a busy process), and what psutil's memory_info().rss reports.
    public var residentBytes: UInt64?

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> PIDStatus {
        var uid: UInt32?, resident: UInt64?
        for line in ByteFields.lines(bytes[...]) {
            if line.starts(with: "Uid:".utf8) {
                let fields = ByteFields.fields(line)
                if fields.count >= 2, let value = ByteFields.unsigned(fields[1]), value <= UInt32.max {
                    uid = UInt32(value)
                }
            } else if line.starts(with: "VmRSS:".utf8) {
                let fields = ByteFields.fields(line)
                if fields.count == 3, let kilobytes = ByteFields.unsigned(fields[1]) { resident = kilobytes * 1024 }
            }
        }
        guard let uid else { throw ParseError(file: "PID/status", line: 0, reason: "no Uid line") }
        return PIDStatus(realUID: uid, residentBytes: resident)
    }
}

/// `/proc/PID/io`: bytes the process caused to be fetched from or sent to storage. Readable only by the
/// process's owner or with CAP_SYS_PTRACE.
public struct PIDIO: Sendable, Equatable {
    public var readBytes: UInt64
    public var writeBytes: UInt64

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> PIDIO {
        var read: UInt64?
        var write: UInt64?
        for line in ByteFields.lines(bytes[...]) {
            let fields = ByteFields.fields(line)
            guard fields.count == 2 else { continue }
            switch ByteFields.text(fields[0]) {
            case "read_bytes:": read = ByteFields.unsigned(fields[1])
            case "write_bytes:": write = ByteFields.unsigned(fields[1])
            default: continue
            }
        }
        guard let read, let write else {
            throw ParseError(file: "PID/io", line: 0, reason: "no read_bytes/write_bytes lines")
        }
        return PIDIO(readBytes: read, writeBytes: write)
    }
}

/// `/proc/PID/cmdline`: arguments separated (and usually ended) by NUL; empty for kernel threads and
/// zombies.
public struct PIDCmdline: Sendable, Equatable {
    public var arguments: [String]

    public static func parse(_ bytes: [UInt8]) -> PIDCmdline {
        var body = bytes[...]
        while body.last == 0 { body = body.dropLast() }
        guard !body.isEmpty else { return PIDCmdline(arguments: []) }
        return PIDCmdline(arguments: body.split(separator: 0, omittingEmptySubsequences: false).map(ByteFields.text))
    }
}
