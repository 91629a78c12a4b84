import API

/// node_exporter's `zfs`: the ZFS module's kstats (ARC, ABD, dbuf, dmu_tx, dnode, fm, vdev caches,
/// zfetch, ZIL) as `node_zfs_<kstat>_<name>`, and per pool its I/O counts, its datasets' counts and its
/// state, from /proc/spl/kstat/zfs. node_exporter leaves the kstats untyped; so does this.
public final class ZFSCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "zfs", recheckWhenAbsent: 60,
        reads: ["proc/spl/kstat/zfs/*stats", "proc/spl/kstat/zfs/{dmu_tx,fm,zil}", "proc/spl/kstat/zfs/*/{io,objset-*,state}"],
        exports: ["node_zfs_*"])

    public static func make(_ context: CollectorContext) -> any Collector { ZFSCollector(proc: context.roots.proc) }

    /// Family prefix → kstat file, node_exporter's set (files a ZFS version lacks are skipped).
    static let kstats: [(prefix: String, file: String)] = [
        ("zfs_abd", "abdstats"), ("zfs_arc", "arcstats"), ("zfs_dbuf", "dbuf_stats"), ("zfs_dmu_tx", "dmu_tx"),
        ("zfs_dnode", "dnodestats"), ("zfs_fm", "fm"), ("zfs_vdev_cache", "vdev_cache_stats"),
        ("zfs_vdev_mirror", "vdev_mirror_stats"), ("zfs_xuio", "xuio_stats"), ("zfs_zfetch", "zfetchstats"), ("zfs_zil", "zil"),
    ]
    static let poolStates = ["online", "degraded", "faulted", "offline", "removed", "unavail"]
    static let state = MetricDescriptor(
        "node_zfs_zpool_state", .gauge, "Whether the pool is in this state (1) or not (0).", labels: ["state", "zpool"])

    private let proc: FileTree
    private var descriptors: [String: MetricDescriptor] = [:]

    public init(proc: FileTree) {
        self.proc = proc
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        let base = "spl/kstat/zfs"
        if let entries = try proc.entriesIfPresent(base) {
            for (prefix, file) in Self.kstats {
                guard let bytes = try proc.readIfPresent(base + "/" + file) else { continue }
                let path = proc.path(base + "/" + file)
                for (name, value) in try ZFSKstat.parse(bytes, file: path).counts(file: path) {
                    samples.add(descriptor("node_\(prefix)_\(name)", "ZFS kstat \(file) \(name)."), [], value)
                }
            }
            let pools = entries.filter { $0.kind == .directory }.map(\.name)
            for pool in pools {
                if let bytes = try proc.readIfPresent("\(base)/\(pool)/io") {
                    for (name, value) in try ZFSKstat.parseIO(bytes, file: proc.path("\(base)/\(pool)/io")) {
                        samples.add(descriptor("node_zfs_zpool_" + name, "ZFS pool I/O kstat \(name).", labels: ["zpool"]), [pool], value)
                    }
                }
            }
            for pool in pools {
                for objset in try proc.sortedListIfPresent("\(base)/\(pool)") ?? [] where objset.hasPrefix("objset-") {
                    try addDataset("\(base)/\(pool)/\(objset)", pool: pool, into: &samples)
                }
            }
            for pool in pools {
                guard let bytes = try proc.readIfPresent("\(base)/\(pool)/state") else { continue }
                let actual = ByteFields.text(bytes[...].split(separator: ByteFields.newline, omittingEmptySubsequences: false).first ?? [])
                    .lowercased()
                for state in Self.poolStates { samples.add(Self.state, [state, pool], actual == state ? 1.0 : 0.0) }
            }
        }
        snapshot.setSection(name, samples)
    }

    /// One dataset's kstat: its `dataset_name` (a string) names it; its counts follow.
    private func addDataset(_ relative: String, pool: String, into samples: inout MetricSamples) throws {
        guard let bytes = try proc.readIfPresent(relative) else { return }
        let kstat = try ZFSKstat.parse(bytes, file: proc.path(relative))
        var dataset = ""
        for (name, type, value) in kstat.named {
            if name == "dataset_name" {
                dataset = value
            } else if type == "4" {
                guard let number = UInt64(value) else {
                    throw ParseError(file: proc.path(relative), line: 0, reason: "expected a number for \(name)", text: value)
                }
                let family = "node_zfs_zpool_dataset_" + name.replacing("-", with: "_")
                samples.add(descriptor(family, "ZFS dataset kstat \(name).", labels: ["dataset", "zpool"]), [dataset, pool], number)
            }
        }
    }

    private func descriptor(_ name: String, _ help: String, labels: [String] = []) -> MetricDescriptor {
        if let known = descriptors[name] { return known }
        let made = MetricDescriptor(name, .untyped, help, labels: labels)
        descriptors[name] = made
        return made
    }
}
