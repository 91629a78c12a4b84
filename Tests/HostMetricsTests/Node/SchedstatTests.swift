import API
import Testing

@testable import HostMetrics

@Suite struct SchedstatTests {
    static let node = Fixtures.directory + "/node/schedstat/proc"

    @Test func readsRunningWaitingAndTimeslicesOfEachCPU() throws {
        let stat = try Schedstat.parse(try Fixtures.bytes("node/schedstat/proc/schedstat"))
        #expect(stat.cpus == [
            Schedstat.CPU(cpu: "0", runningNanoseconds: 98_765_432_101, waitingNanoseconds: 12_345_678_901, timeslices: 1_146_502),
            Schedstat.CPU(cpu: "1", runningNanoseconds: 87_654_321_012, waitingNanoseconds: 23_456_789_012, timeslices: 1_127_991),
        ])
        #expect(throws: ParseError.self) { try Schedstat.parse(Array("version 15\ncpu0 1 2 3\n".utf8)) }
        #expect(throws: ParseError.self) { try Schedstat.parse(Array("cpuX 0 0 0 0 0 0 1 2 3\n".utf8)) }
    }

    @Test func exportsSecondsAndTimeslicesPerCPU() throws {
        let samples = try KernelCounterFixtures.samples(SchedstatCollector(proc: FileTree(root: Self.node)))
        #expect(KernelCounterFixtures.lines(samples) == [
            "node_schedstat_running_seconds_total{cpu=\"0\"} 98.765432101",
            "node_schedstat_running_seconds_total{cpu=\"1\"} 87.654321012",
            "node_schedstat_timeslices_total{cpu=\"0\"} 1146502", "node_schedstat_timeslices_total{cpu=\"1\"} 1127991",
            "node_schedstat_waiting_seconds_total{cpu=\"0\"} 12.345678901",
            "node_schedstat_waiting_seconds_total{cpu=\"1\"} 23.456789012",
        ])
        #expect(samples.samples.allSatisfy { $0.descriptor.type == .counter && $0.descriptor.labels == ["cpu"] })
    }

    /// This VM's kernel is built without CONFIG_SCHEDSTATS, like the captured host: empty, not failed.
    @Test func withoutSchedstatTheSectionIsEmpty() throws {
        #expect(!FileTree(root: Fixtures.host.proc.root).exists("schedstat"))
        #expect(try KernelCounterFixtures.samples(SchedstatCollector(proc: Fixtures.host.proc)).samples.isEmpty)
    }
}
