/// `/sys/fs/xfs/<device>/stats/stats` (fs/xfs/xfs_stats.c; the fields are described at
/// https://xfs.wiki.kernel.org "Runtime Stats"): one line per group, `<group> <count>…`. The groups
/// node_exporter 1.5.0 exports are checked for their field counts as procfs 0.8.0 checks them; counts
/// are 32-bit except the `xpc` byte counters.
public struct XFSStats: Sendable, Equatable {
    /// Each group's counts, by group name.
    public var groups: [String: [UInt64]]

    /// The groups exported and how many counts each must have (vnodes gained `free` later: 7 or 8).
    static let expected: [String: Set<Int>] = [
        "extent_alloc": [4], "abt": [4], "blk_map": [7], "bmbt": [4], "dir": [4], "ig": [7], "rw": [2], "vnodes": [7, 8],
    ]

    public static func parse(_ bytes: [UInt8], file: String) throws(ParseError) -> XFSStats {
        var groups: [String: [UInt64]] = [:]
        var number = 0
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            number += 1
            let fields = ByteFields.fields(line)
            guard fields.count >= 2 else { return true }
            let group = ByteFields.text(fields[0])
            let limit = group == "xpc" ? UInt64.max : UInt64(UInt32.max)
            let counts = fields.dropFirst().compactMap(ByteFields.unsigned).filter { $0 <= limit }
            if let sizes = expected[group], counts.count != fields.count - 1 || !sizes.contains(counts.count) {
                failure = ParseError(file: file, line: number, reason: "expected \(sizes.sorted()) counts for \(group)", text: ByteFields.text(line))
                return false
            }
            groups[group] = counts
            return true
        }
        if let failure { throw failure }
        return XFSStats(groups: groups)
    }

    /// A count of a group, 0 when the kernel did not write the group (as procfs leaves it).
    public func count(_ group: String, _ index: Int) -> UInt64 {
        guard let counts = groups[group], index < counts.count else { return 0 }
        return counts[index]
    }
}
