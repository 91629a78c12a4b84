import API

/// node_exporter's `nfs`: the NFS client's RPC and per-procedure counts (NFSv2, v3, v4) from
/// /proc/net/rpc/nfs, present once the nfs module is loaded.
public final class NFSCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "nfs", recheckWhenAbsent: 60, reads: ["proc/net/rpc/nfs"],
        exports: [
            "node_nfs_packets_total", "node_nfs_connections_total", "node_nfs_rpcs_total",
            "node_nfs_rpc_retransmissions_total", "node_nfs_rpc_authentication_refreshes_total", "node_nfs_requests_total",
        ])

    public static func make(_ context: CollectorContext) -> any Collector { NFSCollector(proc: context.roots.proc) }

    static let packets = MetricDescriptor(
        "node_nfs_packets_total", .counter, "NFS client network packets, sent and received, by protocol.", labels: ["protocol"])
    static let connections = MetricDescriptor("node_nfs_connections_total", .counter, "NFS client TCP connections made.")
    static let rpcs = MetricDescriptor("node_nfs_rpcs_total", .counter, "RPCs the NFS client made.")
    static let retransmissions = MetricDescriptor(
        "node_nfs_rpc_retransmissions_total", .counter, "RPCs the NFS client sent again.")
    static let authRefreshes = MetricDescriptor(
        "node_nfs_rpc_authentication_refreshes_total", .counter, "RPC credential refreshes of the NFS client.")
    static let requests = MetricDescriptor(
        "node_nfs_requests_total", .counter, "NFS procedures the client called, by protocol version and procedure.",
        labels: ["method", "proto"])

    /// Procedure names in the kernel's order, as procfs names them (node_exporter's `method` label).
    static let v2 = [
        "Null", "GetAttr", "SetAttr", "Root", "Lookup", "ReadLink", "Read", "WrCache", "Write", "Create", "Remove",
        "Rename", "Link", "SymLink", "MkDir", "RmDir", "ReadDir", "FsStat",
    ]
    static let v3 = [
        "Null", "GetAttr", "SetAttr", "Lookup", "Access", "ReadLink", "Read", "Write", "Create", "MkDir", "SymLink",
        "MkNod", "Remove", "RmDir", "Rename", "Link", "ReadDir", "ReadDirPlus", "FsStat", "FsInfo", "PathConf", "Commit",
    ]
    static let v4 = [
        "Null", "Read", "Write", "Commit", "Open", "OpenConfirm", "OpenNoattr", "OpenDowngrade", "Close", "Setattr",
        "FsInfo", "Renew", "SetClientID", "SetClientIDConfirm", "Lock", "Lockt", "Locku", "Access", "Getattr", "Lookup",
        "LookupRoot", "Remove", "Rename", "Link", "Symlink", "Create", "Pathconf", "StatFs", "ReadLink", "ReadDir",
        "ServerCaps", "DelegReturn", "GetACL", "SetACL", "FsLocations", "ReleaseLockowner", "Secinfo", "FsidPresent",
        "ExchangeID", "CreateSession", "DestroySession", "Sequence", "GetLeaseTime", "ReclaimComplete", "LayoutGet",
        "GetDeviceInfo", "LayoutCommit", "LayoutReturn", "SecinfoNoName", "TestStateID", "FreeStateID", "GetDeviceList",
        "BindConnToSession", "DestroyClientID", "Seek", "Allocate", "DeAllocate", "LayoutStats", "Clone",
    ]

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        if let bytes = try proc.readIfPresent("net/rpc/nfs") {
            let stats = try RPCStats.parse(bytes, file: "net/rpc/nfs")
            let network = try stats.values("net", count: 4)
            samples.add(Self.packets, ["udp"], network[1])
            samples.add(Self.packets, ["tcp"], network[2])
            samples.add(Self.connections, [], network[3])
            let rpc = try stats.values("rpc", count: 3)
            samples.add(Self.rpcs, [], rpc[0])
            samples.add(Self.retransmissions, [], rpc[1])
            samples.add(Self.authRefreshes, [], rpc[2])
            for (proto, key, names, pad) in [("2", "proc2", Self.v2, false), ("3", "proc3", Self.v3, false), ("4", "proc4", Self.v4, true)] {
                let counts = try stats.procedures(key, minimum: names.count, pad: pad)
                for (name, count) in zip(names, counts) { samples.add(Self.requests, [name, proto], count) }
            }
        }
        snapshot.setSection(name, samples)
    }
}
