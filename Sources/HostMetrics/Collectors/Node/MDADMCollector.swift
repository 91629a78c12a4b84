import API

/// node_exporter's `mdadm`: each software RAID array's state, member disks and sync progress from
/// /proc/mdstat, the figures a "RAID degraded" alert compares.
public final class MDADMCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "mdadm", recheckWhenAbsent: 60, reads: ["proc/mdstat"],
        exports: ["node_md_state", "node_md_disks", "node_md_disks_required", "node_md_blocks", "node_md_blocks_synced"])

    public static func make(_ context: CollectorContext) -> any Collector { MDADMCollector(proc: context.roots.proc) }

    static let state = MetricDescriptor(
        "node_md_state", .gauge, "Whether the array is in this state (1) or not (0).", labels: ["device", "state"])
    static let disks = MetricDescriptor(
        "node_md_disks", .gauge, "Member disks of the array that are active, failed or spare.", labels: ["device", "state"])
    static let disksRequired = MetricDescriptor(
        "node_md_disks_required", .gauge, "Member disks the array is made of.", labels: ["device"])
    static let blocks = MetricDescriptor("node_md_blocks", .gauge, "Size of the array in 1 KiB blocks.", labels: ["device"])
    static let blocksSynced = MetricDescriptor(
        "node_md_blocks_synced", .gauge, "Blocks of the array in sync (all of them unless it resyncs or recovers).",
        labels: ["device"])

    /// node_exporter's state labels and the activity each stands for.
    static let states = [("active", "active"), ("inactive", "inactive"), ("recovering", "recovering"),
                         ("resync", "resyncing"), ("check", "checking")]

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        // No md driver loaded: no file, nothing to report.
        if let bytes = try proc.readIfPresent(MDStat.file) {
            for array in try MDStat.parse(bytes).arrays {
                let device = array.name
                samples.add(Self.disksRequired, [device], array.disksTotal)
                samples.add(Self.disks, [device, "active"], array.disksActive)
                samples.add(Self.disks, [device, "failed"], array.disksFailed)
                samples.add(Self.disks, [device, "spare"], array.disksSpare)
                for (label, activity) in Self.states {
                    samples.add(Self.state, [device, label], array.activityState == activity ? 1.0 : 0.0)
                }
                samples.add(Self.blocks, [device], array.blocksTotal)
                samples.add(Self.blocksSynced, [device], array.blocksSynced)
            }
        }
        snapshot.setSection(name, samples)
    }
}
