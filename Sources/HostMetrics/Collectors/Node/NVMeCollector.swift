import API

/// node_exporter's `nvme`: one info sample per NVMe controller with its model, serial, firmware and
/// controller state (`live`, `resetting`, `dead`, …) as labels, from /sys/class/nvme.
public final class NVMeCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "nvme", recheckWhenAbsent: 60, reads: ["sys/class/nvme/*/{firmware_rev,model,serial,state}"], exports: ["node_nvme_info"])

    public static func make(_ context: CollectorContext) -> any Collector { NVMeCollector(sys: context.roots.sys) }

    static let controller = MetricDescriptor(
        "node_nvme_info", .gauge, "NVMe controller's identity and state as labels, always 1.",
        labels: ["device", "firmware_revision", "model", "serial", "state"])

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        for device in try sys.sortedListIfPresent("class/nvme") ?? [] {
            let directory = "class/nvme/" + device
            // The identity files are the controller's; `state` came later (4.15), and a kernel without it
            // gives an empty label here where node_exporter would fail the whole collector.
            var labels = [device]
            for file in ["firmware_rev", "model", "serial"] {
                labels.append(SysfsAttribute.text(try sys.read(directory + "/" + file)))
            }
            labels.append(try sys.readIfPresent(directory + "/state").map(SysfsAttribute.text) ?? "")
            samples.add(Self.controller, labels, 1.0)
        }
        snapshot.setSection(name, samples)
    }
}
