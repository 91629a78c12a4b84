import API

/// node_exporter's `bonding`: for each bonding master, how many slaves it has and how many have link
/// (MII status `up`), what a "bond degraded" alert compares.
public final class BondingCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "bonding", recheckWhenAbsent: 60,
        reads: [
            "sys/class/net/bonding_masters", "sys/class/net/*/bonding/slaves",
            "sys/class/net/*/{lower,slave}_*/bonding_slave/mii_status",
        ],
        exports: ["node_bonding_slaves", "node_bonding_active"])

    public static func make(_ context: CollectorContext) -> any Collector { BondingCollector(sys: context.roots.sys) }

    static let slaves = MetricDescriptor(
        "node_bonding_slaves", .gauge, "Slave interfaces configured on the bonding master.", labels: ["master"])
    static let active = MetricDescriptor(
        "node_bonding_active", .gauge, "Slave interfaces of the bonding master whose link is up.", labels: ["master"])

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        // No bonding module: no bonding_masters file.
        if let masters = try sys.readIfPresent("class/net/bonding_masters") {
            for master in words(masters) {
                let slaves = words(try sys.read("class/net/\(master)/bonding/slaves"))
                var up = 0
                for slave in slaves {
                    // Kernels since 4.x link the slave as lower_<name>, older ones as slave_<name>.
                    let status =
                        try sys.readIfPresent("class/net/\(master)/lower_\(slave)/bonding_slave/mii_status")
                        ?? sys.read("class/net/\(master)/slave_\(slave)/bonding_slave/mii_status")
                    if SysfsAttribute.text(status) == "up" { up += 1 }
                }
                samples.add(Self.slaves, [master], slaves.count)
                samples.add(Self.active, [master], up)
            }
        }
        snapshot.setSection(name, samples)
    }

    private func words(_ bytes: [UInt8]) -> [String] {
        ByteFields.fields(bytes[...]).flatMap { $0.split(separator: ByteFields.newline) }.map { ByteFields.text($0) }
    }
}
