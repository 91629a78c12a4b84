/// `/proc/mdstat` (Documentation/admin-guide/md.rst; drivers/md/md.c `md_seq_show`): per array a line
/// `md0 : active raid1 sdb1[1] sda1[0]`, then `N blocks … [total/active] [UU_]`, an optional
/// `bitmap:` line and a progress line while it resyncs, recovers or checks. Read as procfs 0.8.0
/// reads it for node_exporter 1.5.0, whose md families come from these fields.
public struct MDStat: Sendable, Equatable {
    public struct Array: Sendable, Equatable {
        public var name: String
        /// `active` or `inactive`, or `recovering`, `resyncing`, `checking` while the progress line says so.
        public var activityState: String
        public var disksActive: Int64
        public var disksTotal: Int64
        public var disksFailed: Int64
        public var disksSpare: Int64
        public var disksDown: Int64
        public var blocksTotal: Int64
        /// The blocks done so far while syncing (0 while PENDING or DELAYED), else all of them.
        public var blocksSynced: Int64
    }

    public var arrays: [Array]

    static let file = "mdstat"

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> MDStat {
        // Line numbers matter (the status and progress lines follow their array's), so empty ones are kept.
        let lines = bytes[...].split(separator: ByteFields.newline, omittingEmptySubsequences: false).map { ByteFields.text($0) }
        var arrays: [Array] = []
        for (index, line) in lines.enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix(" ") || line.hasPrefix("Personalities")
                || line.hasPrefix("unused")
            {
                continue
            }
            func failure(_ reason: String, _ at: Int = index) -> ParseError {
                ParseError(file: file, line: at + 1, reason: reason, text: lines[at])
            }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3 else { throw failure("expected `mdN : state …`") }
            guard lines.count > index + 3 else { throw failure("too few lines for the array") }
            var array = Array(
                name: String(fields[0]), activityState: String(fields[2]), disksActive: 0, disksTotal: 0,
                disksFailed: Int64(occurrences(of: "(F)", in: line)), disksSpare: Int64(occurrences(of: "(S)", in: line)),
                disksDown: 0, blocksTotal: 0, blocksSynced: 0)

            let status = lines[index + 1]
            guard let size = status.split(separator: " ").first.flatMap({ Int64($0) }) else {
                throw failure("expected the array's block count", index + 1)
            }
            array.blocksTotal = size
            if line.contains("raid0") || line.contains("linear") {
                // No redundancy, no [n/m]: each member is a `name[k]` on the array's line.
                array.disksTotal = Int64(occurrences(of: "[", in: line))
                array.disksActive = array.disksTotal
            } else if !line.contains("inactive") {
                guard let (total, active, down) = memberCounts(status) else {
                    throw failure("expected `[total/active] [U_]`", index + 1)
                }
                (array.disksTotal, array.disksActive, array.disksDown) = (total, active, down)
            }

            let progressIndex = lines[index + 2].contains("bitmap") ? index + 3 : index + 2
            let progress = lines[progressIndex]
            array.blocksSynced = size
            let recovering = progress.contains("recovery"), resyncing = progress.contains("resync")
            let checking = progress.contains("check")
            if recovering || resyncing || checking {
                array.activityState = recovering ? "recovering" : checking ? "checking" : "resyncing"
                if progress.contains("PENDING") || progress.contains("DELAYED") {
                    array.blocksSynced = 0
                } else {
                    guard let done = blocksDone(progress), progress.contains("%"), progress.contains("finish="),
                        progress.contains("speed=")
                    else { throw failure("expected `(done/total) finish=… speed=…`", progressIndex) }
                    array.blocksSynced = done
                }
            }
            arrays.append(array)
        }
        return MDStat(arrays: arrays)
    }

    static func occurrences(of needle: String, in line: String) -> Int {
        line.split(separator: needle, omittingEmptySubsequences: false).count - 1
    }

    /// The last `[total/active] [U_…]` on the status line: total, active, and the `_` (down) count.
    static func memberCounts(_ status: String) -> (Int64, Int64, Int64)? {
        let fields = status.split(separator: " ")
        var found: (Int64, Int64, Int64)?
        for (index, field) in fields.enumerated() where index + 1 < fields.count {
            guard field.hasPrefix("["), field.hasSuffix("]") else { continue }
            let counts = field.dropFirst().dropLast().split(separator: "/", omittingEmptySubsequences: false)
            let map = fields[index + 1]
            guard counts.count == 2, let total = Int64(counts[0]), let active = Int64(counts[1]),
                map.count > 2, map.hasPrefix("["), map.hasSuffix("]"),
                map.dropFirst().dropLast().allSatisfy({ $0 == "U" || $0 == "_" })
            else { continue }
            found = (total, active, Int64(map.filter { $0 == "_" }.count))
        }
        return found
    }

    /// `done` of the first `(done/total)` on the progress line.
    static func blocksDone(_ progress: String) -> Int64? {
        var rest = progress[...]
        while let open = rest.firstIndex(of: "(") {
            rest = rest[rest.index(after: open)...]
            guard let close = rest.firstIndex(of: ")") else { return nil }
            let parts = rest[..<close].split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2, let done = Int64(parts[0]), Int64(parts[1]) != nil { return done }
        }
        return nil
    }
}
