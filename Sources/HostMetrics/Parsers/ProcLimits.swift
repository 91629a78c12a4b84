/// `/proc/PID/limits`: the soft limits client_golang's process collector exports, open files and address
/// space. The kernel writes `%-25s %-20s %-20s %-10s` per limit under a header line; "unlimited" is
/// RLIM_INFINITY, 2^64 - 1, as procfs reads it.
public struct ProcLimits: Sendable, Equatable {
    public var openFiles: UInt64
    public var addressSpaceBytes: UInt64

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> ProcLimits {
        var openFiles: UInt64?, addressSpace: UInt64?
        var number = 0
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            number += 1
            let isFiles = line.starts(with: "Max open files ".utf8), isSpace = line.starts(with: "Max address space ".utf8)
            guard isFiles || isSpace else { return true }
            let fields = ByteFields.fields(line)
            // "Max open files 1024 1048576 files": the soft limit is the fourth word, the space's too.
            let soft = fields.count > 3 ? fields[3] : []
            let value = soft.elementsEqual("unlimited".utf8) ? UInt64.max : ByteFields.unsigned(soft)
            guard let value else {
                failure = ParseError(file: "PID/limits", line: number, reason: "expected a soft limit", text: ByteFields.text(line))
                return false
            }
            if isFiles { openFiles = value } else { addressSpace = value }
            return true
        }
        if let failure { throw failure }
        guard let openFiles, let addressSpace else {
            throw ParseError(file: "PID/limits", line: 0, reason: "no \"Max open files\" or \"Max address space\" line")
        }
        return ProcLimits(openFiles: openFiles, addressSpaceBytes: addressSpace)
    }
}
