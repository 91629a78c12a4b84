/// `/proc/PID/stat`: the one file read for every process on every pass.
public struct PIDStat: Sendable, Equatable {
    public var pid: Int32
    /// `comm`: at most 15 bytes, and it may contain spaces and parentheses.
    public var comm: String
    public var state: UInt8
    /// The kernel's PF_* flags for the task.
    public var flags: UInt64
    public var utimeTicks: UInt64
    public var stimeTicks: UInt64
    public var numThreads: Int64
    /// Ticks after boot at which the process started; with the PID, what identifies a process.
    public var startTicks: UInt64
    public var rssPages: Int64
    /// `vsize`: the virtual memory size in bytes (client_golang's process_virtual_memory_bytes).
    public var vsizeBytes: UInt64 = 0

    public var cpuTicks: UInt64 { utimeTicks &+ stimeTicks }
    /// PF_KTHREAD: a kernel thread has no memory map and no command line.
    public var isKernelThread: Bool { flags & 0x0020_0000 != 0 }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> PIDStat { try parse(bytes[...]) }

    public static func parse(_ bytes: ArraySlice<UInt8>) throws(ParseError) -> PIDStat {
        // The name sits between the first "(" and the *last* ")": a process may call itself "a) (b".
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
            let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close,
            let pid = ByteFields.unsigned(ByteFields.fields(bytes[..<open]).first ?? [])
        else {
            throw ParseError(file: "PID/stat", line: 1, reason: "no \"pid (comm)\" prefix", text: ByteFields.text(bytes))
        }
        // Fields after the name start at field 3 (state); see proc(5) for the numbering. One pass over the
        // bytes, keeping only the fields used: this runs for every process on every pass, and building an
        // array of fields cost more than the kernel's read itself.
        var field = 2, start = close + 1, state: UInt8?, flags: UInt64?
        var utime: UInt64?, stime: UInt64?, threads: Int64?, startTicks: UInt64?, rss: Int64?, vsize: UInt64?
        var index = close + 1
        while index <= bytes.endIndex {
            let atEnd = index == bytes.endIndex || bytes[index] == ByteFields.newline
            if atEnd || bytes[index] == ByteFields.space {
                if index > start {
                    field += 1
                    let value = bytes[start..<index]
                    switch field {
                    case 3: state = value.first
                    case 9: flags = ByteFields.unsigned(value)
                    case 14: utime = ByteFields.unsigned(value)
                    case 15: stime = ByteFields.unsigned(value)
                    case 20: threads = ByteFields.signed(value)
                    case 22: startTicks = ByteFields.unsigned(value)
                    case 23: vsize = ByteFields.unsigned(value)
                    case 24: rss = ByteFields.signed(value)
                    default: break
                    }
                    if field == 24 { break }
                }
                if atEnd { break }
                start = index + 1
            }
            index += 1
        }
        guard let state, let flags, let utime, let stime, let threads, let startTicks, let rss else {
            throw ParseError(file: "\(pid)/stat", line: 1, reason: "expected at least 24 fields", text: ByteFields.text(bytes))
        }
        return PIDStat(
            pid: Int32(truncatingIfNeeded: pid), comm: ByteFields.text(bytes[(open + 1)..<close]), state: state,
            flags: flags, utimeTicks: utime, stimeTicks: stime, numThreads: threads, startTicks: startTicks, rssPages: rss,
            vsizeBytes: vsize ?? 0)
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

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> PIDStatus {
        var uid: UInt32?
        ByteFields.eachLine(bytes[...]) { line in
            guard line.starts(with: "Uid:".utf8) else { return true }
            let fields = ByteFields.fields(line)
            if fields.count >= 2, let value = ByteFields.unsigned(fields[1]), value <= UInt32.max {
                uid = UInt32(value)
            }
            return false
        }
        guard let uid else { throw ParseError(file: "PID/status", line: 0, reason: "no Uid line") }
        return PIDStatus(realUID: uid)
    }

    /// `FDSize`: how many descriptors the process's table holds now; every open one is below it.
    public static func fdTableSize(_ bytes: [UInt8]) throws(ParseError) -> Int {
        var size: UInt64?
        ByteFields.eachLine(bytes[...]) { line in
            guard line.starts(with: "FDSize:".utf8) else { return true }
            let fields = ByteFields.fields(line)
            size = fields.count >= 2 ? ByteFields.unsigned(fields[1]) : nil
            return false
        }
        guard let size, size <= Int32.max else { throw ParseError(file: "PID/status", line: 0, reason: "no FDSize line") }
        return Int(size)
    }
}

/// `/proc/PID/statm`: sizes in pages. The resident count is exact, the same as status's VmRSS and what
/// psutil's memory_info().rss reports, where /proc/PID/stat's rss is the kernel's cheap per-CPU estimate
/// (pages off by tens on a busy process). Zero for kernel threads and zombies, which have no memory map.
public struct PIDStatm: Sendable, Equatable {
    public var residentPages: UInt64

    public static func parse(_ bytes: ArraySlice<UInt8>) throws(ParseError) -> PIDStatm {
        let fields = ByteFields.fields(bytes.prefix { $0 != ByteFields.newline })
        guard fields.count >= 7, let resident = ByteFields.unsigned(fields[1]) else {
            throw ParseError(file: "PID/statm", line: 1, reason: "expected 7 page counts", text: ByteFields.text(bytes))
        }
        return PIDStatm(residentPages: resident)
    }
}

/// `/proc/PID/io`: bytes the process caused to be fetched from or sent to storage. Readable only by the
/// process's owner or with CAP_SYS_PTRACE.
public struct PIDIO: Sendable, Equatable {
    public var readBytes: UInt64
    public var writeBytes: UInt64

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> PIDIO { try parse(bytes[...]) }

    public static func parse(_ bytes: ArraySlice<UInt8>) throws(ParseError) -> PIDIO {
        var read: UInt64?
        var write: UInt64?
        ByteFields.eachLine(bytes) { line in
            if line.starts(with: "read_bytes:".utf8) {
                read = ByteFields.fields(line).last.flatMap(ByteFields.unsigned)
            } else if line.starts(with: "write_bytes:".utf8) {
                write = ByteFields.fields(line).last.flatMap(ByteFields.unsigned)
            }
            return read == nil || write == nil
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
