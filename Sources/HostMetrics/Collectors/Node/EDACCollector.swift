import API

/// node_exporter's `edac`: corrected and uncorrected memory errors per memory controller and chip-select
/// row, from /sys/devices/system/edac/mc. Errors the driver could not place on a row are the row
/// `unknown` (the controller's `*_noinfo_count`).
public final class EDACCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "edac", recheckWhenAbsent: 60,
        reads: [
            "sys/devices/system/edac/mc/mc*/{ce,ue}_count", "sys/devices/system/edac/mc/mc*/{ce,ue}_noinfo_count",
            "sys/devices/system/edac/mc/mc*/csrow*/{ce,ue}_count",
        ],
        exports: [
            "node_edac_correctable_errors_total", "node_edac_uncorrectable_errors_total",
            "node_edac_csrow_correctable_errors_total", "node_edac_csrow_uncorrectable_errors_total",
        ])

    public static func make(_ context: CollectorContext) -> any Collector { EDACCollector(sys: context.roots.sys) }

    static let correctable = MetricDescriptor(
        "node_edac_correctable_errors_total", .counter, "Corrected memory errors on the controller.", labels: ["controller"])
    static let uncorrectable = MetricDescriptor(
        "node_edac_uncorrectable_errors_total", .counter, "Uncorrected memory errors on the controller.", labels: ["controller"])
    static let rowCorrectable = MetricDescriptor(
        "node_edac_csrow_correctable_errors_total", .counter, "Corrected memory errors on the chip-select row.",
        labels: ["controller", "csrow"])
    static let rowUncorrectable = MetricDescriptor(
        "node_edac_csrow_uncorrectable_errors_total", .counter, "Uncorrected memory errors on the chip-select row.",
        labels: ["controller", "csrow"])

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        for controller in FileTree.numbered(try sys.sortedListIfPresent("devices/system/edac/mc") ?? [], prefix: "mc") {
            let directory = "devices/system/edac/mc/" + controller
            let number = String(controller.dropFirst(2))
            // A controller's counts are all there or the driver is broken: a missing one fails the pass.
            samples.add(Self.correctable, [number], try count(directory + "/ce_count"))
            samples.add(Self.rowCorrectable, [number, "unknown"], try count(directory + "/ce_noinfo_count"))
            samples.add(Self.uncorrectable, [number], try count(directory + "/ue_count"))
            samples.add(Self.rowUncorrectable, [number, "unknown"], try count(directory + "/ue_noinfo_count"))
            for row in FileTree.numbered(try sys.sortedListIfPresent(directory) ?? [], prefix: "csrow") {
                let labels = [number, String(row.dropFirst(5))]
                samples.add(Self.rowCorrectable, labels, try count(directory + "/" + row + "/ce_count"))
                samples.add(Self.rowUncorrectable, labels, try count(directory + "/" + row + "/ue_count"))
            }
        }
        snapshot.setSection(name, samples)
    }

    private func count(_ relative: String) throws -> UInt64 {
        try SysfsAttribute.unsigned(try sys.read(relative), file: sys.path(relative))
    }
}
