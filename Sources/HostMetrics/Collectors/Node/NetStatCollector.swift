import API

/// node_exporter's `netstat`: the protocol counters of /proc/net/netstat, snmp and snmp6 that its default
/// `--collector.netstat.fields` selects (TCP opens, segments, retransmits and resets, listen-queue drops,
/// SYN cookies, UDP datagrams and buffer errors, every protocol's input errors, IP octets and forwarding),
/// untyped as node_exporter leaves them, named `node_netstat_<Proto>_<Field>`.
public final class NetStatCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "netstat", reads: ["proc/1/net/netstat, snmp, snmp6 (else proc/net/…)"],
        exports: ["node_netstat_*"])

    public static func make(_ context: CollectorContext) -> any Collector { NetStatCollector(proc: context.roots.proc) }

    private let proc: KeptFiles
    /// One descriptor per selected key, made once: the kernel's field names do not change while it runs.
    private var descriptors: [String: MetricDescriptor] = [:]
    /// Where each file's kept counters stand, from the last read that parsed it whole.
    private var layouts: [String: NetSNMPLayout] = [:]

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var counters: [NetSNMP.Counter] = []
        // A missing file is left out rather than failing: snmp6 is absent with IPv6 disabled, and a
        // PROC_ROOT without net/ has none of them.
        for (name, format) in [("netstat", NetSNMPLayout.Format.pairs), ("snmp", .pairs), ("snmp6", .singles)] {
            guard let bytes = try HostNetFiles.readIfPresent(proc, name) else {
                layouts[name] = nil
                continue
            }
            if let known = layouts[name]?.counters(bytes) {
                counters += known
                continue
            }
            let layout = try NetSNMPLayout(bytes, format: format, file: "net/" + name, keeping: Self.isDefaultField)
            layouts[name] = layout
            counters += layout.counters(bytes) ?? []
        }
        var selected: [String: Double] = [:]
        var order: [String] = []
        for counter in counters {
            let key = counter.proto + "_" + counter.field
            // A key seen twice keeps the later value, as node_exporter's merge of the three files does.
            if selected.updateValue(counter.value, forKey: key) == nil { order.append(key) }
        }
        var samples = MetricSamples()
        for key in order { samples.add(descriptor(key), [], selected[key]) }
        samples.summarize("tcp_established", family: "node_netstat_Tcp_CurrEstab")
        samples.summarize("tcp_retransmitted_segments_total", family: "node_netstat_Tcp_RetransSegs")
        samples.summarize("tcp_listen_drops_total", family: "node_netstat_TcpExt_ListenDrops")
        snapshot.setSection(name, samples)
    }

    /// node_exporter 1.5.0's default `--collector.netstat.fields`,
    /// `^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|`
    /// `TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|`
    /// `PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$`,
    /// spelled out: it is anchored at both ends, so each alternative is a whole key, apart from the three
    /// with `.*`, which become a suffix (`.*_InErrors`) or a prefix (`TcpExt_Listen.*`) rule.
    static func isDefaultField(_ key: ArraySlice<UInt8>) -> Bool {
        ByteFields.hasSuffix(key, inErrors) || ByteFields.hasSuffix(key, inErrs) || key.starts(with: tcpExtListen)
            || key.starts(with: tcpExtSyncookies) || defaultKeys.contains(key)
    }

    static func isDefaultField(_ key: String) -> Bool { isDefaultField(Array(key.utf8)[...]) }

    private static let inErrors = Array("_InErrors".utf8), inErrs = Array("_InErrs".utf8)
    private static let tcpExtListen = Array("TcpExt_Listen".utf8), tcpExtSyncookies = Array("TcpExt_Syncookies".utf8)

    private static let defaultKeys: Set<ArraySlice<UInt8>> = Set(
        [
            "Ip_Forwarding",
            // Ip(6|Ext)_(InOctets|OutOctets)
            "Ip6_InOctets", "Ip6_OutOctets", "IpExt_InOctets", "IpExt_OutOctets",
            // Icmp6?_(InMsgs|OutMsgs)
            "Icmp_InMsgs", "Icmp_OutMsgs", "Icmp6_InMsgs", "Icmp6_OutMsgs",
            // TcpExt_(TCPSynRetrans|TCPTimeouts)
            "TcpExt_TCPSynRetrans", "TcpExt_TCPTimeouts",
            // Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)
            "Tcp_ActiveOpens", "Tcp_InSegs", "Tcp_OutSegs", "Tcp_OutRsts", "Tcp_PassiveOpens", "Tcp_RetransSegs",
            "Tcp_CurrEstab",
            // Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors)
            "Udp_InDatagrams", "Udp_OutDatagrams", "Udp_NoPorts", "Udp_RcvbufErrors", "Udp_SndbufErrors",
            "Udp6_InDatagrams", "Udp6_OutDatagrams", "Udp6_NoPorts", "Udp6_RcvbufErrors", "Udp6_SndbufErrors",
        ].map { Array($0.utf8)[...] })

    private func descriptor(_ key: String) -> MetricDescriptor {
        if let known = descriptors[key] { return known }
        let made = MetricDescriptor("node_netstat_" + key, .untyped, "Protocol counter \(key) of /proc/net/netstat, snmp or snmp6.")
        descriptors[key] = made
        return made
    }
}
