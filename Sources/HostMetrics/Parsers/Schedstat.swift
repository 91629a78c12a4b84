/// `/proc/schedstat` (kernels with CONFIG_SCHEDSTATS; Documentation/scheduler/sched-stats.rst): `version`,
/// `timestamp`, then per CPU a `cpu<N>` line of nine counters followed by its `domain<N>` lines. Fields 7
/// and 8 are the time tasks spent running on and waiting for the CPU, in nanoseconds since CFS (the
/// document still says jiffies); field 9 is the timeslices run. Domain lines are not read.
public struct Schedstat: Sendable, Equatable {
    public struct CPU: Sendable, Equatable {
        /// The number after `cpu`, as the kernel wrote it.
        public var cpu: String
        public var runningNanoseconds: UInt64
        public var waitingNanoseconds: UInt64
        public var timeslices: UInt64
    }

    public var cpus: [CPU]

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> Schedstat {
        var cpus: [CPU] = []
        for (offset, line) in ByteFields.lines(bytes[...]).enumerated() {
            let fields = ByteFields.fields(line)
            guard let first = fields.first, first.starts(with: "cpu".utf8) else { continue }
            let number = first.dropFirst(3)
            guard ByteFields.unsigned(number) != nil, fields.count >= 10, let running = ByteFields.unsigned(fields[7]),
                let waiting = ByteFields.unsigned(fields[8]), let slices = ByteFields.unsigned(fields[9])
            else {
                throw ParseError(
                    file: "schedstat", line: offset + 1, reason: "expected cpu<N> and nine counters", text: ByteFields.text(line))
            }
            cpus.append(CPU(cpu: ByteFields.text(number), runningNanoseconds: running, waitingNanoseconds: waiting, timeslices: slices))
        }
        return Schedstat(cpus: cpus)
    }
}
