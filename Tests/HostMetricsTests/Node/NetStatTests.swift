import API
import Testing

@testable import HostMetrics

@Suite struct NetStatTests {
    /// node_exporter 1.5.0's `--collector.netstat.fields` default, as netstat_linux.go declares it.
    static let nodeExporterPattern =
        "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|"
        + "TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|"
        + "PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$"

    static func capturedKeys() throws -> [String] {
        let counters =
            try NetSNMP.parse(try Fixtures.bytes("host/proc/net/netstat"), file: "net/netstat").counters
            + NetSNMP.parse(try Fixtures.bytes("host/proc/net/snmp")).counters
            + NetSNMP6.parse(try Fixtures.bytes("host/proc/net/snmp6")).counters
        return counters.map { $0.proto + "_" + $0.field }
    }

    @Test func snmpPairsNamesWithValues() throws {
        let text = "Ip: Forwarding DefaultTTL\nIp: 2 64\nTcp: MaxConn CurrEstab\nTcp: -1 3\n"
        let snmp = try NetSNMP.parse(Array(text.utf8))
        #expect(snmp.counters.map { "\($0.proto)_\($0.field)=\($0.value)" } == [
            "Ip_Forwarding=2.0", "Ip_DefaultTTL=64.0", "Tcp_MaxConn=-1.0", "Tcp_CurrEstab=3.0",
        ])
        #expect(throws: ParseError.self) { try NetSNMP.parse(Array("Ip: Forwarding DefaultTTL\nIp: 2\n".utf8)) }
        #expect(throws: ParseError.self) { try NetSNMP.parse(Array("Ip: Forwarding\nTcp: 2\n".utf8)) }
        #expect(throws: ParseError.self) { try NetSNMP.parse(Array("Ip: Forwarding\n".utf8)) }
        #expect(throws: ParseError.self) { try NetSNMP.parse(Array("Ip: Forwarding\nIp: x\n".utf8)) }
    }

    @Test func snmp6SplitsTheProtocolAtItsFirstSix() throws {
        let text = "Ip6InOctets                     \t128\nUdpLite6InErrors\t0\nIcmp6OutType133 \t7\nNoSix 1\n"
        let snmp6 = try NetSNMP6.parse(Array(text.utf8))
        #expect(snmp6.counters.map { "\($0.proto)_\($0.field)=\($0.value)" } == [
            "Ip6_InOctets=128.0", "UdpLite6_InErrors=0.0", "Icmp6_OutType133=7.0",
        ])
        #expect(throws: ParseError.self) { try NetSNMP6.parse(Array("Ip6InOctets\n".utf8)) }
    }

    /// The spelled-out filter against node_exporter's regex: every key of the captured files, and keys on
    /// the edges of each alternative (a regex anchored at both ends matches none of the near misses).
    @Test func filterIsNodeExportersRegex() throws {
        let edges = [
            "Ip_ForwardingX", "XIp_Forwarding", "Ip6_InOctetsX", "IpExt_InOctets", "Ip_InOctets", "Icmp6_InMsgs",
            "Icmp66_InMsgs", "Icmp_OutMsgs", "TcpExt_Listen", "TcpExt_ListenDrops", "TcpExtX_ListenDrops",
            "TcpExt_SyncookiesSent", "TcpExt_TCPTimeoutsX", "Tcp_CurrEstab", "Tcp_CurrEstabX", "Udp6_NoPorts",
            "UdpLite_NoPorts", "UdpLite6_InErrors", "Foo_InErrs", "Foo_InErrsX", "_InErrors", "InErrors",
            "A_B_InErrors", "Udp_InCsumErrors",
        ]
        for key in try Self.capturedKeys() + edges {
            #expect(NetStatCollector.isDefaultField(key) == KernelCounterFixtures.matches(Self.nodeExporterPattern, key), "\(key)")
        }
    }

    @Test func capturedHostExportsTheDefaultFields() throws {
        let samples = try KernelCounterFixtures.samples(NetStatCollector(proc: Fixtures.host.proc))
        let expected = try Self.capturedKeys().filter { KernelCounterFixtures.matches(Self.nodeExporterPattern, $0) }
        #expect(samples.samples.map(\.descriptor.name).sorted() == expected.map { "node_netstat_" + $0 }.sorted())
        #expect(samples.samples.allSatisfy { $0.descriptor.type == .untyped && $0.descriptor.labels.isEmpty })
        // Lines of the captured files, read by hand: Tcp's CurrEstab, Ip's Forwarding, snmp6's Ip6InOctets.
        #expect(samples.value("node_netstat_Ip_Forwarding") == 2)
        #expect(samples.value("node_netstat_Tcp_CurrEstab") != nil && samples.value("node_netstat_Ip6_InOctets") != nil)
        #expect(samples.value("node_netstat_TcpExt_ListenDrops") != nil && samples.value("node_netstat_Tcp_MaxConn") == nil)
    }

    /// PID 1's view (the host's network namespace) is read before the agent's own.
    @Test func pid1sViewComesFirstAndTheOwnViewIsTheFallback() throws {
        let snmp = "Ip: Forwarding\nIp: 1\n"
        let root = try KernelCounterFixtures.tree(["1/net/snmp": snmp, "net/snmp": "Ip: Forwarding\nIp: 2\n"])
        defer { KernelCounterFixtures.remove(root) }
        let both = try KernelCounterFixtures.samples(NetStatCollector(proc: FileTree(root: root)))
        #expect(KernelCounterFixtures.lines(both) == ["node_netstat_Ip_Forwarding 1"])
        let ownOnly = try KernelCounterFixtures.tree(["net/snmp": "Ip: Forwarding\nIp: 2\n"])
        defer { KernelCounterFixtures.remove(ownOnly) }
        let fallback = try KernelCounterFixtures.samples(NetStatCollector(proc: FileTree(root: ownOnly)))
        #expect(KernelCounterFixtures.lines(fallback) == ["node_netstat_Ip_Forwarding 2"])
    }

    @Test func absentFilesGiveAnEmptySectionAndAMalformedOneFails() throws {
        let empty = try KernelCounterFixtures.tree([:])
        defer { KernelCounterFixtures.remove(empty) }
        #expect(try KernelCounterFixtures.samples(NetStatCollector(proc: FileTree(root: empty))).samples.isEmpty)
        let broken = try KernelCounterFixtures.tree(["net/netstat": "TcpExt: ListenDrops\nTcpExt: 1 2\n"])
        defer { KernelCounterFixtures.remove(broken) }
        #expect(throws: ParseError.self) { try KernelCounterFixtures.samples(NetStatCollector(proc: FileTree(root: broken))) }
    }
}

@Suite struct NetSNMPLayoutTests {
    /// The remembered layout gives what a whole parse gives, follows new values, and refuses a changed layout.
    @Test func aRememberedLayoutReadsWhatAWholeParseReads() throws {
        for (file, format) in [("netstat", NetSNMPLayout.Format.pairs), ("snmp", .pairs), ("snmp6", .singles)] {
            let bytes = try Fixtures.bytes("host/proc/net/" + file)
            let whole =
                format == .pairs
                ? try NetSNMP.parse(bytes, keeping: NetStatCollector.isDefaultField).counters
                : try NetSNMP6.parse(bytes, keeping: NetStatCollector.isDefaultField).counters
            let layout = try NetSNMPLayout(bytes, format: format, file: file, keeping: NetStatCollector.isDefaultField)
            #expect(layout.counters(bytes) == whole, "\(file)")
            #expect(!whole.isEmpty)
        }
        let before = Array("Tcp: ActiveOpens PassiveOpens CurrEstab\nTcp: 1 2 3\nUdp: InDatagrams NoPorts\nUdp: 4 5\n".utf8)
        let layout = try NetSNMPLayout(before, format: .pairs, file: "snmp", keeping: NetStatCollector.isDefaultField)
        let later = Array("Tcp: ActiveOpens PassiveOpens CurrEstab\nTcp: 10 20 30\nUdp: InDatagrams NoPorts\nUdp: 40 50\n".utf8)
        #expect(layout.counters(later)?.map(\.value) == [10, 20, 30, 40, 50])
        let moved = Array("Tcp: PassiveOpens ActiveOpens CurrEstab\nTcp: 10 20 30\nUdp: InDatagrams NoPorts\nUdp: 40 50\n".utf8)
        #expect(layout.counters(moved) == nil, "a changed layout is parsed whole again")
        let six = try NetSNMPLayout(Array("Ip6InOctets 7\nUdp6NoPorts 8\n".utf8), format: .singles, file: "snmp6", keeping: NetStatCollector.isDefaultField)
        #expect(six.counters(Array("Ip6InOctets 70\nUdp6NoPorts 80\n".utf8))?.map(\.value) == [70, 80])
        #expect(six.counters(Array("Ip6OutOctets 70\nUdp6NoPorts 80\n".utf8)) == nil)
    }
}
