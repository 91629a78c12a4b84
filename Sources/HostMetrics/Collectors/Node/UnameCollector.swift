import API

/// node_exporter's `uname`: the kernel's name, release, version and machine, and the host's node and domain
/// names, as labels of one series. Dashboards list hosts by it.
public final class UnameCollector: RegisteredCollector {
    public static let info = CollectorInfo(name: "uname", reads: ["syscall uname"], exports: ["node_uname_info"])

    public static func make(_ context: CollectorContext) -> any Collector { UnameCollector() }

    // Labels in node_exporter's order on its page (sorted by name).
    static let unameInfo = MetricDescriptor(
        "node_uname_info", .gauge, "The running kernel and host names, as uname(2) gives them; always 1.",
        labels: ["domainname", "machine", "nodename", "release", "sysname", "version"])

    public init() {}

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        snapshot.setSection(name, Self.samples(try Uname.current()))
    }

    static func samples(_ names: Uname) -> MetricSamples {
        var samples = MetricSamples()
        samples.add(
            unameInfo, [names.domainname, names.machine, names.nodename, names.release, names.sysname, names.version], 1)
        return samples
    }
}
