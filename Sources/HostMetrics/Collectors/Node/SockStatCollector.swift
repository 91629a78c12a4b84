import API

/// node_exporter's `sockstat`: sockets in use per protocol, TCP's orphaned and TIME_WAIT sockets, and the
/// memory TCP and UDP buffers hold (in pages as the kernel counts, and in bytes), for IPv4 and IPv6.
public final class SockStatCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "sockstat", reads: ["proc/1/net/sockstat, sockstat6 (else proc/net/…)"], exports: ["node_sockstat_*"])

    public static func make(_ context: CollectorContext) -> any Collector {
        SockStatCollector(proc: context.roots.proc, pageSize: context.pageSize)
    }

    static let socketsUsed = MetricDescriptor("node_sockstat_sockets_used", .gauge, "Sockets in use, of every address family.")
    /// The keys node_exporter exports; a key a newer kernel adds stays out until node_exporter has it.
    static let keys: Set<String> = ["inuse", "orphan", "tw", "alloc", "mem", "memory"]

    private let proc: KeptFiles
    private let pageSize: UInt64
    private var descriptors: [String: MetricDescriptor] = [:]

    public init(proc: FileTree, pageSize: UInt64) {
        self.proc = KeptFiles(proc)
        self.pageSize = pageSize
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        // Either file is absent when its protocol family is disabled in the kernel.
        if let bytes = try HostNetFiles.readIfPresent(proc, "sockstat") {
            let stat = try NetSockstat.parse(bytes)
            samples.add(Self.socketsUsed, [], stat.socketsUsed)
            add(stat, to: &samples)
        }
        if let bytes = try HostNetFiles.readIfPresent(proc, "sockstat6") {
            add(try NetSockstat.parse(bytes, file: "net/sockstat6"), to: &samples)
        }
        samples.summarize("sockets_used", family: "node_sockstat_sockets_used")
        snapshot.setSection(name, samples)
    }

    private func add(_ stat: NetSockstat, to samples: inout MetricSamples) {
        for proto in stat.protocols {
            for pair in proto.pairs where Self.keys.contains(pair.key) {
                samples.add(descriptor(proto.name, pair.key), [], pair.value)
            }
            if let pages = proto.value("mem") {
                samples.add(descriptor(proto.name, "mem_bytes"), [], Double(pages) * Double(pageSize))
            }
        }
    }

    private func descriptor(_ proto: String, _ key: String) -> MetricDescriptor {
        let name = "node_sockstat_\(proto)_\(key)"
        if let known = descriptors[name] { return known }
        let help = key == "mem_bytes" ? "Bytes of memory \(proto) sockets hold." : "\(proto) sockets: \(key) (sockstat)."
        let made = MetricDescriptor(name, .gauge, help)
        descriptors[name] = made
        return made
    }
}
