import Foundation
import Testing

@testable import HostMetrics

/// A kernel thread's stat taken again while its schedstat line has not moved; on the real /proc, the
/// premise that it is then unchanged.
@Suite struct IdleKernelThreadsTests {
    static func stat(pid: Int32, kernel: Bool, ticks: Int = 7) throws -> PIDStat {
        let flags = kernel ? 0x0020_8040 : 0x0040_0100
        let line = "\(pid) (worker) S 2 0 0 0 -1 \(flags) 0 0 0 0 \(ticks) 0 0 0 20 0 1 0 30 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
        return try PIDStat.parse(Array(line.utf8)[...])
    }

    @Test func aThreadIsTakenAgainOnlyWhileTheLineReadBeforeItsStatHolds() throws {
        var threads = IdleKernelThreads()
        let line = Array("1234 0 9\n".utf8)
        // First seen with its stat alone: nothing to compare with yet.
        threads.saw(try Self.stat(pid: 40, kernel: true), schedstatBefore: nil)
        #expect(threads.isKnown(40))
        #expect(threads.unchanged(40, schedstat: line) == nil)
        threads.saw(try Self.stat(pid: 40, kernel: true, ticks: 8), schedstatBefore: line)
        #expect(threads.unchanged(40, schedstat: line)?.cpuTicks == 8)
        #expect(threads.unchanged(40, schedstat: Array("1240 0 10\n".utf8)) == nil, "it ran")
        #expect(threads.unchanged(41, schedstat: line) == nil, "never seen")
    }

    @Test func itsIoIsTakenAgainWithItsStatUntilItRuns() throws {
        var threads = IdleKernelThreads()
        let line = Array("1234 0 9\n".utf8)
        let io = try PIDIO.parse(Array("rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n".utf8))
        threads.saw(try Self.stat(pid: 40, kernel: true), schedstatBefore: line)
        #expect(threads.unchanged(40, schedstat: line) != nil && threads.io(of: 40) == nil, "no io read yet")
        threads.saw(io, of: 40)
        #expect(threads.unchanged(40, schedstat: line) != nil && threads.io(of: 40) == io)
        // It ran: its stat is read again, and the io kept from before is not offered with it.
        let moved = Array("1300 0 10\n".utf8)
        threads.saw(try Self.stat(pid: 40, kernel: true, ticks: 9), schedstatBefore: moved)
        #expect(threads.unchanged(40, schedstat: moved) != nil && threads.io(of: 40) == nil)
        threads.saw(io, of: 41)
        #expect(!threads.isKnown(41), "io alone does not make a thread known")
    }

    @Test func withoutSchedulerStatisticsNothingIsTakenAgain() throws {
        var threads = IdleKernelThreads()
        let none = Array("0 0 0\n".utf8)
        threads.saw(try Self.stat(pid: 40, kernel: true), schedstatBefore: none)
        #expect(threads.unchanged(40, schedstat: none) == nil)
    }

    @Test func processesAndThreadsThatLeftAreForgotten() throws {
        var threads = IdleKernelThreads()
        let line = Array("1234 0 9\n".utf8)
        threads.saw(try Self.stat(pid: 40, kernel: true), schedstatBefore: line)
        threads.saw(try Self.stat(pid: 41, kernel: true), schedstatBefore: line)
        // PID 40 taken by a user process: not a kernel thread any more.
        threads.saw(try Self.stat(pid: 40, kernel: false), schedstatBefore: line)
        #expect(!threads.isKnown(40) && threads.unchanged(40, schedstat: line) == nil)
        threads.keep(only: [])
        #expect(threads.count == 0)
    }

    /// The kernel's side of it: a kernel thread whose schedstat reads the same before, between and after
    /// two reads of its stat (or its io) has the same stat (or io) both times. io needs root (another
    /// task's io is behind a ptrace check); the suite runs as root in CI.
    @Test(arguments: ["stat", "io"])
    func aKernelThreadThatDidNotRunReadsTheSame(_ file: String) throws {
        let proc = FileTree(root: "/proc")
        var compared = 0
        for name in try proc.list("") {
            guard let pid = Int32(name), let first = try? PIDStat.parse(try proc.read("\(pid)/stat")[...]),
                first.isKernelThread
            else { continue }
            guard let before = try? proc.read("\(pid)/schedstat"), let read = try? proc.read("\(pid)/\(file)"),
                let between = try? proc.read("\(pid)/schedstat"), let again = try? proc.read("\(pid)/\(file)"),
                let after = try? proc.read("\(pid)/schedstat"), before == between, between == after
            else { continue }
            #expect(read == again, "kernel thread \(pid)'s \(file)")
            compared += 1
        }
        #expect(compared > 0, "no kernel thread sat still for four reads, or its \(file) was not readable")
    }
}
