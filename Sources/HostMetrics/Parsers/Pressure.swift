/// Pressure stall information (`/proc/pressure/cpu`, a cgroup's `memory.pressure`):
/// "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" and, except for host-wide CPU on older kernels, a
/// "full" line. `total` is microseconds stalled since boot (or since the group was made).
public struct Pressure: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var avg10, avg60, avg300: Double
        public var totalMicroseconds: UInt64
    }

    public var some: Line
    public var full: Line?

    public static func parse(_ bytes: [UInt8], file: String) throws(ParseError) -> Pressure {
        var some: Line?, full: Line?
        for (number, line) in ByteFields.lines(bytes[...]).enumerated() {
            let fields = ByteFields.fields(line)
            var values: [String: Substring] = [:]
            for field in fields.dropFirst() {
                let pair = ByteFields.text(field).split(separator: "=", maxSplits: 1)
                if pair.count == 2 { values[String(pair[0])] = pair[1] }
            }
            guard let kind = fields.first.map(ByteFields.text), let avg10 = values["avg10"].flatMap({ Double($0) }),
                let avg60 = values["avg60"].flatMap({ Double($0) }), let avg300 = values["avg300"].flatMap({ Double($0) }),
                let total = values["total"].flatMap({ UInt64($0) })
            else {
                throw ParseError(file: file, line: number + 1, reason: "expected avg10, avg60, avg300 and total",
                                 text: ByteFields.text(line))
            }
            let parsed = Line(avg10: avg10, avg60: avg60, avg300: avg300, totalMicroseconds: total)
            if kind == "some" { some = parsed } else if kind == "full" { full = parsed }
        }
        guard let some else { throw ParseError(file: file, line: 0, reason: "no \"some\" line") }
        return Pressure(some: some, full: full)
    }
}
