/// Which counters of /proc/net/netstat, snmp or snmp6 a selection keeps, remembered by where they stand.
///
/// The kernel writes these files with the same names in the same places on every read, so the names are
/// matched against the selection once; later reads check that each kept counter's name line (netstat,
/// snmp) or name (snmp6) is still the one remembered and parse only the kept values. The three files hold
/// ~400 counters of which node_exporter's default keeps ~40: parsing and matching all of them on every
/// pass was 90 µs of netstat's 150 (release build, shelter-bench, this VM; the kernel's own share 58 µs).
/// A file whose layout changed (a module loaded, a kernel upgrade) is parsed whole again.
struct NetSNMPLayout {
    /// snmp/netstat: one pair of lines per protocol; snmp6: one line per counter.
    enum Format { case pairs, singles }

    private struct Kept {
        var line: Int
        /// The token's position on its value line (pairs) or 1 (singles).
        var column: Int
        var counter: NetSNMP.Counter
    }

    let format: Format
    /// The name lines (pairs) or name tokens (singles) as read, to tell the layout is unchanged.
    private var names: [Int: [UInt8]] = [:]
    private var kept: [Kept] = []

    /// The layout of `bytes`, and the counters it keeps now; throws as the parsers do on a malformed file.
    init(_ bytes: [UInt8], format: Format, file: String, keeping keep: (ArraySlice<UInt8>) -> Bool) throws(ParseError) {
        self.format = format
        let lines = ByteFields.lines(bytes[...])
        switch format {
        case .pairs:
            let parsed = try NetSNMP.parse(bytes, file: file, keeping: keep).counters
            // Match the parsed counters back to their places, protocol line by protocol line.
            var remaining = parsed[...]
            for pair in stride(from: 0, to: lines.count - 1, by: 2) {
                var tokens = ByteTokens(lines[pair])
                guard let label = tokens.next() else { continue }
                var column = 0
                while let name = tokens.next() {
                    column += 1
                    guard let next = remaining.first, ByteFields.text(label.dropLast()) == next.proto,
                        ByteFields.text(name) == next.field
                    else { continue }
                    kept.append(Kept(line: pair + 1, column: column, counter: next))
                    names[pair] = Array(lines[pair])
                    remaining = remaining.dropFirst()
                }
            }
        case .singles:
            let parsed = try NetSNMP6.parse(bytes, keeping: keep).counters
            var remaining = parsed[...]
            for (index, line) in lines.enumerated() {
                var tokens = ByteTokens(line)
                guard let name = tokens.next(), let next = remaining.first,
                    ByteFields.text(name) == next.proto + next.field
                else { continue }
                kept.append(Kept(line: index, column: 1, counter: next))
                names[index] = Array(name)
                remaining = remaining.dropFirst()
            }
        }
    }

    /// The kept counters of a new read of the same file; nil when its layout is not the one remembered.
    func counters(_ bytes: [UInt8]) -> [NetSNMP.Counter]? {
        let lines = ByteFields.lines(bytes[...])
        var result: [NetSNMP.Counter] = []
        result.reserveCapacity(kept.count)
        for (line, remembered) in names {
            guard line < lines.count else { return nil }
            switch format {
            case .pairs: guard lines[line].elementsEqual(remembered) else { return nil }
            case .singles:
                var tokens = ByteTokens(lines[line])
                guard let name = tokens.next(), name.elementsEqual(remembered) else { return nil }
            }
        }
        for entry in kept {
            guard entry.line < lines.count else { return nil }
            var tokens = ByteTokens(lines[entry.line])
            var token: ArraySlice<UInt8>?
            for _ in 0...entry.column { token = tokens.next() }
            guard let token, let value = ByteFields.number(token) else { return nil }
            var counter = entry.counter
            counter.value = value
            result.append(counter)
        }
        return result
    }
}
