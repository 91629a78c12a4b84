import API
import Testing

@testable import HostMetrics

@Suite struct SockStatTests {
    @Test func parsesProtocolsAndSocketsUsed() throws {
        let stat = try NetSockstat.parse(Array("sockets: used 24\nTCP: inuse 6 orphan 0 tw 41 alloc 6 mem 138\nFRAG: inuse 0 memory 0\n".utf8))
        #expect(stat.socketsUsed == 24)
        #expect(stat.protocols.map(\.name) == ["TCP", "FRAG"])
        #expect(stat.protocols[0].pairs.map(\.key) == ["inuse", "orphan", "tw", "alloc", "mem"])
        #expect(stat.protocols[0].value("mem") == 138 && stat.protocols[1].value("memory") == 0)
        #expect(throws: ParseError.self) { try NetSockstat.parse(Array("TCP: inuse\n".utf8)) }
        #expect(throws: ParseError.self) { try NetSockstat.parse(Array("TCP inuse 1\n".utf8)) }
        #expect(throws: ParseError.self) { try NetSockstat.parse(Array("TCP: inuse x\n".utf8)) }
    }

    /// The captured sockstat and sockstat6 (IPv4: TCP with all its keys, UDP with mem; IPv6: inuse only),
    /// with `_mem_bytes` as pages times the page size given.
    @Test func capturedHostExportsNodeExportersNames() throws {
        let samples = try KernelCounterFixtures.samples(SockStatCollector(proc: Fixtures.host.proc, pageSize: 4096))
        let v4 = try NetSockstat.parse(try Fixtures.bytes("host/proc/net/sockstat"))
        let tcp = try #require(v4.protocols.first { $0.name == "TCP" })
        let tcpPages = try #require(tcp.value("mem"))
        #expect(samples.value("node_sockstat_sockets_used") == Double(try #require(v4.socketsUsed)))
        #expect(samples.value("node_sockstat_TCP_tw") == Double(try #require(tcp.value("tw"))))
        #expect(samples.value("node_sockstat_TCP_mem") == Double(tcpPages))
        #expect(samples.value("node_sockstat_TCP_mem_bytes") == Double(tcpPages * 4096))
        let names = samples.samples.map(\.descriptor.name).sorted()
        #expect(names == [
            "node_sockstat_FRAG6_inuse", "node_sockstat_FRAG6_memory", "node_sockstat_FRAG_inuse", "node_sockstat_FRAG_memory",
            "node_sockstat_RAW6_inuse", "node_sockstat_RAW_inuse", "node_sockstat_TCP6_inuse", "node_sockstat_TCP_alloc",
            "node_sockstat_TCP_inuse", "node_sockstat_TCP_mem", "node_sockstat_TCP_mem_bytes", "node_sockstat_TCP_orphan",
            "node_sockstat_TCP_tw", "node_sockstat_UDP6_inuse", "node_sockstat_UDPLITE6_inuse", "node_sockstat_UDPLITE_inuse",
            "node_sockstat_UDP_inuse", "node_sockstat_UDP_mem", "node_sockstat_UDP_mem_bytes", "node_sockstat_sockets_used",
        ])
        #expect(samples.samples.allSatisfy { $0.descriptor.type == .gauge && $0.descriptor.labels.isEmpty })
    }

    /// IPv6 disabled: no sockstat6, and the IPv4 families alone; a key node_exporter does not know stays out.
    @Test func withoutSockstat6OnlyIPv4() throws {
        let root = try KernelCounterFixtures.tree(["net/sockstat": "sockets: used 3\nTCP: inuse 2 mem 5 newkey 9\n"])
        defer { KernelCounterFixtures.remove(root) }
        let samples = try KernelCounterFixtures.samples(SockStatCollector(proc: FileTree(root: root), pageSize: 16384))
        #expect(KernelCounterFixtures.lines(samples) == [
            "node_sockstat_TCP_inuse 2", "node_sockstat_TCP_mem 5", "node_sockstat_TCP_mem_bytes 81920",
            "node_sockstat_sockets_used 3",
        ])
        let empty = try KernelCounterFixtures.tree([:])
        defer { KernelCounterFixtures.remove(empty) }
        #expect(try KernelCounterFixtures.samples(SockStatCollector(proc: FileTree(root: empty), pageSize: 4096)).samples.isEmpty)
    }
}
