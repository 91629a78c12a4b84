import API
import Testing

@testable import HostMetrics

@Suite struct ConntrackTests {
    static let header =
        "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"

    @Test func sumsEachColumnOverCPUs() throws {
        let text = Self.header
            + "00000010  00000000 0000000a 00000000 00000002 000000ff 00000000 00000000 00000003 00000001 00000004 00000005 00000000  00000000 00000000 00000000 00000006\n"
            + "00000010  00000000 00000001 00000000 00000001 00000001 00000000 00000000 00000001 00000001 00000001 00000001 00000000  00000000 00000000 00000000 00000001\n"
        let stat = try ConntrackStat.parse(Array(text.utf8))
        #expect(stat.total("found") == 11 && stat.total("invalid") == 3 && stat.total("ignore") == 256)
        #expect(stat.total("insert") == 4 && stat.total("insert_failed") == 2 && stat.total("drop") == 5)
        #expect(stat.total("early_drop") == 6 && stat.total("search_restart") == 7 && stat.total("entries") == 32)
        #expect(throws: ParseError.self) { try ConntrackStat.parse(Array((Self.header + "00000001 00000002\n").utf8)) }
        #expect(throws: ParseError.self) { try ConntrackStat.parse(Array("".utf8)) }
    }

    /// Kernels before 5.x named columns 2 and 8 `searched` and `delete_list`; the counters read keep theirs.
    @Test func olderKernelsHeaderGivesTheSameCounters() throws {
        let text =
            "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"
            + "0000002a  00000009 00000008 00000007 00000006 00000005 00000004 00000003 00000002 00000001 0000000b 0000000c 00000000  00000000 00000000 00000000 0000000d\n"
        let root = try KernelCounterFixtures.tree(["net/stat/nf_conntrack": text])
        defer { KernelCounterFixtures.remove(root) }
        let samples = try KernelCounterFixtures.samples(ConntrackCollector(proc: FileTree(root: root)))
        #expect(KernelCounterFixtures.lines(samples) == [
            "node_nf_conntrack_stat_drop 11", "node_nf_conntrack_stat_early_drop 12", "node_nf_conntrack_stat_found 8",
            "node_nf_conntrack_stat_ignore 5", "node_nf_conntrack_stat_insert 2", "node_nf_conntrack_stat_insert_failed 1",
            "node_nf_conntrack_stat_invalid 6", "node_nf_conntrack_stat_search_restart 13",
        ])
    }

    @Test func capturedHostExportsNodeExportersSet() throws {
        let samples = try KernelCounterFixtures.samples(ConntrackCollector(proc: Fixtures.host.proc))
        let max = try SysctlNumber.parse(try Fixtures.bytes("host/proc/sys/net/netfilter/nf_conntrack_max"), file: "max")
        #expect(samples.value("node_nf_conntrack_entries_limit") == Double(max.value) && max.value > 0)
        #expect(samples.samples.map(\.descriptor.name).sorted() == [
            "node_nf_conntrack_entries", "node_nf_conntrack_entries_limit", "node_nf_conntrack_stat_drop",
            "node_nf_conntrack_stat_early_drop", "node_nf_conntrack_stat_found", "node_nf_conntrack_stat_ignore",
            "node_nf_conntrack_stat_insert", "node_nf_conntrack_stat_insert_failed", "node_nf_conntrack_stat_invalid",
            "node_nf_conntrack_stat_search_restart",
        ])
        #expect(samples.samples.allSatisfy { $0.descriptor.type == .gauge && $0.descriptor.labels.isEmpty })
    }

    @Test func withoutNfConntrackTheSectionIsEmpty() throws {
        let root = try KernelCounterFixtures.tree(["stat": "cpu 1 2 3\n"])
        defer { KernelCounterFixtures.remove(root) }
        #expect(try KernelCounterFixtures.samples(ConntrackCollector(proc: FileTree(root: root))).samples.isEmpty)
        let broken = try KernelCounterFixtures.tree(["sys/net/netfilter/nf_conntrack_max": "lots\n"])
        defer { KernelCounterFixtures.remove(broken) }
        #expect(throws: ParseError.self) { try KernelCounterFixtures.samples(ConntrackCollector(proc: FileTree(root: broken))) }
    }
}
