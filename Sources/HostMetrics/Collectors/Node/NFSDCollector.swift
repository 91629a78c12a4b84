import API

/// node_exporter's `nfsd`: the kernel NFS server's reply cache, stale file handles, disk bytes, threads,
/// network and RPC error counts and per-procedure counts (NFSv2, v3, v4 operations) from
/// /proc/net/rpc/nfsd, present once nfsd is loaded.
public final class NFSDCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "nfsd", recheckWhenAbsent: 60, reads: ["proc/net/rpc/nfsd"],
        exports: [
            "node_nfsd_reply_cache_hits_total", "node_nfsd_reply_cache_misses_total", "node_nfsd_reply_cache_nocache_total",
            "node_nfsd_file_handles_stale_total", "node_nfsd_disk_bytes_read_total", "node_nfsd_disk_bytes_written_total",
            "node_nfsd_server_threads", "node_nfsd_read_ahead_cache_size_blocks", "node_nfsd_read_ahead_cache_not_found_total",
            "node_nfsd_packets_total", "node_nfsd_connections_total", "node_nfsd_rpc_errors_total",
            "node_nfsd_server_rpcs_total", "node_nfsd_requests_total",
        ])

    public static func make(_ context: CollectorContext) -> any Collector { NFSDCollector(proc: context.roots.proc) }

    static func counter(_ suffix: String, _ help: String, labels: [String] = []) -> MetricDescriptor {
        MetricDescriptor("node_nfsd_" + suffix, .counter, help, labels: labels)
    }
    static let hits = counter("reply_cache_hits_total", "Requests answered from the reply cache (a client retried).")
    static let misses = counter("reply_cache_misses_total", "Cacheable requests not found in the reply cache.")
    static let nocache = counter("reply_cache_nocache_total", "Requests the reply cache does not keep (non-idempotent).")
    static let stale = counter("file_handles_stale_total", "Stale file handles the server saw.")
    static let read = counter("disk_bytes_read_total", "Bytes the server read from disk.")
    static let written = counter("disk_bytes_written_total", "Bytes the server wrote to disk.")
    static let threads = MetricDescriptor("node_nfsd_server_threads", .gauge, "nfsd kernel threads running.")
    static let cacheSize = MetricDescriptor(
        "node_nfsd_read_ahead_cache_size_blocks", .gauge, "Size of the read-ahead cache, in blocks (0 on kernels without it).")
    static let notFound = counter("read_ahead_cache_not_found_total", "Read-ahead cache lookups that found nothing.")
    static let packets = counter("packets_total", "Server network packets, sent and received, by protocol.", labels: ["proto"])
    static let connections = counter("connections_total", "TCP connections the server accepted.")
    static let errors = counter("rpc_errors_total", "RPCs the server rejected, by reason.", labels: ["error"])
    static let rpcs = counter("server_rpcs_total", "RPCs the server received.")
    static let requests = counter(
        "requests_total", "NFS procedures the server ran, by protocol version and procedure.", labels: ["method", "proto"])

    /// node_exporter reports v2 and v3 without NULL, and these NFSv4 operations, by their index in
    /// `proc4ops` (0–2 and PUTPUBFH/PUTROOTFH are not reported).
    static let v4Operations: [(String, Int)] = [
        ("Access", 3), ("Close", 4), ("Commit", 5), ("Create", 6), ("DelegPurge", 7), ("DelegReturn", 8), ("GetAttr", 9),
        ("GetFH", 10), ("Link", 11), ("Lock", 12), ("Lockt", 13), ("Locku", 14), ("Lookup", 15), ("LookupRoot", 16),
        ("Nverify", 17), ("Open", 18), ("OpenAttr", 19), ("OpenConfirm", 20), ("OpenDgrd", 21), ("PutFH", 22),
        ("Read", 25), ("ReadDir", 26), ("ReadLink", 27), ("Remove", 28), ("Rename", 29), ("Renew", 30), ("RestoreFH", 31),
        ("SaveFH", 32), ("SecInfo", 33), ("SetAttr", 34), ("Verify", 35), ("Write", 36), ("RelLockOwner", 37),
    ]

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        if let bytes = try proc.readIfPresent("net/rpc/nfsd") {
            let stats = try RPCStats.parse(bytes, file: "net/rpc/nfsd")
            let cache = try stats.values("rc", count: 3)
            samples.add(Self.hits, [], cache[0])
            samples.add(Self.misses, [], cache[1])
            samples.add(Self.nocache, [], cache[2])
            samples.add(Self.stale, [], try stats.values("fh", count: 5)[0])
            let io = try stats.values("io", count: 2)
            samples.add(Self.read, [], io[0])
            samples.add(Self.written, [], io[1])
            samples.add(Self.threads, [], try stats.values("th", count: 2)[0])
            let readAhead = try stats.values("ra", count: 12)
            samples.add(Self.cacheSize, [], readAhead[0])
            samples.add(Self.notFound, [], readAhead[11])
            let network = try stats.values("net", count: 4)
            samples.add(Self.packets, ["udp"], network[1])
            samples.add(Self.packets, ["tcp"], network[2])
            samples.add(Self.connections, [], network[3])
            let rpc = try stats.values("rpc", count: 5)
            samples.add(Self.errors, ["fmt"], rpc[2])
            samples.add(Self.errors, ["auth"], rpc[3])
            samples.add(Self.errors, ["cInt"], rpc[4])
            samples.add(Self.rpcs, [], rpc[0])
            for (proto, key, names) in [("2", "proc2", NFSCollector.v2), ("3", "proc3", NFSCollector.v3)] {
                let counts = try stats.procedures(key, minimum: names.count)
                for (name, count) in zip(names, counts).dropFirst() { samples.add(Self.requests, [name, proto], count) }
            }
            _ = try stats.values("proc4", count: 3)
            let operations = try stats.procedures("proc4ops", minimum: 39)
            for (name, index) in Self.v4Operations { samples.add(Self.requests, [name, "4"], operations[index]) }
        }
        snapshot.setSection(name, samples)
    }
}
