/// Kernel threads that have not run since their /proc/PID/stat was read, whose stat is then still the one
/// there is: the scan takes it again instead of making the kernel write it out anew.
///
/// Most processes on a small host are kernel threads, and most of those sleep through a pass (here 45 of
/// 58 in five seconds; a host with many CPUs has several per CPU). /proc/PID/schedstat's line (run time,
/// wait time, times scheduled) costs the kernel a quarter of stat's (0.56 against 2.5 µs here), and moves
/// whenever the thread runs; a kernel thread has no memory of its own and one thread only, so nothing in
/// its stat changes while it does not run. schedstat is read before stat, so a line that matches the
/// kept one says the thread has not run since before that stat was read. A kernel without scheduler
/// statistics writes "0 0 0" for every thread, which proves nothing, and is never taken as unchanged.
///
/// Its /proc/PID/io is kept the same way: the kernel counts I/O to the task that does it, so a thread that
/// has not run has the counters it had. That read is the costlier one of the two (a ptrace check, then
/// the counters): on this VM the table shows every kernel thread, and their io was 57 of a pass's 214
/// reads.
struct IdleKernelThreads {
    private struct Known {
        var stat: PIDStat
        /// The line read just before `stat`; nil when the thread was first seen with its stat alone.
        var schedstat: [UInt8]?
        /// io read after `schedstat`, so as current as `stat` while the line holds.
        var io: PIDIO?
    }

    private var known: [Int32: Known] = [:]
    private static let noStatistics = Array("0 0 0\n".utf8)

    /// Whether `pid` was a kernel thread at the last pass: its schedstat is worth reading first.
    func isKnown(_ pid: Int32) -> Bool { known[pid] != nil }

    /// The stat kept for `pid` when `schedstat`, read now, is the line read before that stat.
    func unchanged(_ pid: Int32, schedstat: [UInt8]) -> PIDStat? {
        guard let entry = known[pid], let before = entry.schedstat, before == schedstat, schedstat != Self.noStatistics
        else { return nil }
        return entry.stat
    }

    /// After this pass's scan: the io kept for `pid`, which is still current when the scan took its stat
    /// again (a stat read anew comes with none).
    func io(of pid: Int32) -> PIDIO? { known[pid]?.io }

    /// io read in this pass, after the scan took `pid`'s stat (read or kept).
    mutating func saw(_ io: PIDIO, of pid: Int32) {
        known[pid]?.io = io
    }

    /// A stat just read, with the schedstat line read before it (if any); other processes are forgotten.
    mutating func saw(_ stat: PIDStat, schedstatBefore schedstat: [UInt8]?) {
        if stat.isKernelThread {
            known[stat.pid] = Known(stat: stat, schedstat: schedstat)
        } else {
            known[stat.pid] = nil
        }
    }

    mutating func forget(_ pid: Int32) { known[pid] = nil }

    /// Forgets the threads the last listing did not show.
    mutating func keep(only listed: Set<Int32>) {
        known = known.filter { listed.contains($0.key) }
    }

    var count: Int { known.count }
}
