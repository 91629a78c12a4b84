import API
import Testing

@testable import HostMetrics

/// Walks Fixtures/cases/<collector>/<scenario>: runs the collector on t0 at 0 s and on t1 at 5 s, and
/// compares what it derived from the two readings with the scenario's `expected` file.
@Suite struct RateCaseTests {
    static let cases: [String] = {
        let root = FileTree(root: Fixtures.directory + "/cases")
        return ((try? root.list("")) ?? []).sorted().flatMap { collector in
            ((try? root.list(collector)) ?? []).sorted().map { "\(collector)/\($0)" }
        }
    }()

    @Test func everyCollectorWithRatesHasCases() {
        #expect(Set(Self.cases.map { String($0.split(separator: "/")[0]) }) == ["cpu", "diskstats", "netdev", "processes"])
    }

    @Test(arguments: cases)
    func scenario(_ path: String) throws {
        let directory = Fixtures.directory + "/cases/" + path
        let collector = try Self.makeCollector(String(path.split(separator: "/")[0]), at: directory)
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
        try collector.t0.collect(into: &snapshot, at: SampleInstant(monotonic: 0, wall: 1_764_000_100))
        snapshot = Snapshot(sequence: 2, timestamp: 0, hostname: "test")
        try collector.t1.collect(into: &snapshot, at: SampleInstant(monotonic: 5, wall: 1_764_000_105))
        let expected = String(decoding: try FileTree.readFile(directory + "/expected"), as: UTF8.self)
        #expect(Self.describe(snapshot) == expected.split(separator: "\n").map(String.init))
    }

    /// The collector reads t0's tree, then — as the same object, with its memory of t0 — t1's.
    static func makeCollector(_ name: String, at directory: String) throws -> (t0: any Collector, t1: any Collector) {
        let switchable = SwitchingTree(t0: directory + "/t0", t1: directory + "/t1")
        let collector: any Collector
        switch name {
        case "cpu": collector = CPUCollector(proc: switchable.proc, ticksPerSecond: 100)
        case "diskstats": collector = DiskIOCollector(proc: switchable.proc, sys: switchable.sys)
        case "netdev": collector = NetworkCollector(proc: switchable.proc, sys: switchable.sys)
        case "processes":
            collector = ProcessCollector(
                roots: HostRoots(proc: switchable.proc.root, sys: switchable.sys.root, rootfs: switchable.link),
                topN: 10, scrubber: CommandLineScrubber(), ticksPerSecond: 100, pageSize: 4096)
        default: throw Fixtures.FixtureError.missing(name)
        }
        return (Stepper(collector, before: { switchable.use("t0") }), Stepper(collector, before: { switchable.use("t1") }))
    }

    static func describe(_ snapshot: Snapshot) -> [String] {
        func text(_ value: Double?) -> String {
            value.map { NumberFormat.decimal(($0 * 1000).rounded() / 1000) } ?? "null"
        }
        var lines: [String] = []
        if let cpu = snapshot.cpu {
            lines.append("usage_percent \(text(cpu.usagePercent))")
            for (times, percent) in zip(cpu.perCoreTimes, cpu.perCorePercent) { lines.append("core \(times.cpu) \(text(percent))") }
        }
        if let io = snapshot.diskIO {
            for disk in io.devices.sorted(by: { $0.name < $1.name }) {
                lines.append(
                    "device \(disk.name) read \(text(disk.readBytesPerSecond)) write \(text(disk.writeBytesPerSecond)) "
                        + "reads \(text(disk.readsPerSecond)) writes \(text(disk.writesPerSecond))")
            }
            lines.append("total read \(text(io.readBytesPerSecond)) write \(text(io.writeBytesPerSecond))")
        }
        if let network = snapshot.network {
            for interface in network.interfaces.sorted(by: { $0.name < $1.name }) {
                lines.append(
                    "interface \(interface.name) rx \(text(interface.receiveBytesPerSecond)) tx \(text(interface.transmitBytesPerSecond))")
            }
            lines.append("mbps \(text(network.mbps))")
        }
        for process in (snapshot.processes?.processes ?? []).sorted(by: { $0.pid < $1.pid }) {
            lines.append("process \(process.pid) \(process.name) cpu_percent \(text(process.cpuPercent))")
        }
        return lines
    }
}

/// A symlink that points at t0's or t1's tree, so one collector object reads both in turn.
final class SwitchingTree: @unchecked Sendable {
    let link: String
    private let t0: String, t1: String

    init(t0: String, t1: String) {
        self.t0 = t0
        self.t1 = t1
        link = "/tmp/shelteragent-case-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    var proc: FileTree { FileTree(root: link + "/proc") }
    var sys: FileTree { FileTree(root: link + "/sys") }

    func use(_ which: String) {
        unlink(link)
        symlink(which == "t0" ? t0 : t1, link)
    }
}

/// Runs a hook before delegating, so the test can flip the tree between the two passes.
final class Stepper: Collector {
    let inner: any Collector
    let before: () -> Void
    var name: String { inner.name }

    init(_ inner: any Collector, before: @escaping () -> Void) {
        self.inner = inner
        self.before = before
    }

    func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        before()
        try inner.collect(into: &snapshot, at: instant)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
