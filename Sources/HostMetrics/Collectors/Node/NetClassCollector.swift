import API

/// node_exporter's `netclass`: each network interface's sysfs attributes (link state, carrier and its
/// changes, MTU, speed, flags, addresses), what the "interface down" and "saturated link" panels read.
///
/// Reading all 22 attributes of every interface costs 20 to 40 µs of kernel time per interface even
/// with the descriptors kept open, every pass. So only operstate and carrier_changes, which move
/// whenever the link does, are read every pass; the rest when either changed, when the interface is new,
/// and otherwise once a minute. A setting changed by hand (MTU, alias, address, flags) shows within a
/// minute, where node_exporter shows it on the next scrape.
public final class NetClassCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "netclass",
        reads: ["sys/class/net/*/{" + (NetClassInterface.linkStateFiles + NetClassInterface.detailFiles).joined(separator: ",") + ",uevent}"],
        exports: [
            "node_network_info", "node_network_up", "node_network_address_assign_type", "node_network_carrier",
            "node_network_carrier_changes_total", "node_network_carrier_up_changes_total",
            "node_network_carrier_down_changes_total", "node_network_device_id", "node_network_dormant",
            "node_network_flags", "node_network_iface_id", "node_network_iface_link", "node_network_iface_link_mode",
            "node_network_mtu_bytes", "node_network_name_assign_type", "node_network_net_dev_group",
            "node_network_speed_bytes", "node_network_transmit_queue_length", "node_network_protocol_type",
        ])

    public static func make(_ context: CollectorContext) -> any Collector { NetClassCollector(sys: context.roots.sys) }

    static let device = ["device"]
    static func gauge(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor("node_network_\(name)", .gauge, help, labels: device)
    }
    static let infoFamily = MetricDescriptor(
        "node_network_info", .gauge, "Text attributes of a network interface as labels; always 1.",
        labels: ["address", "broadcast", "device", "duplex", "ifalias", "operstate"])
    static let up = gauge("up", "1 if the interface's operstate is up, else 0.")
    static let addressAssignType = gauge("address_assign_type", "How the interface's address was assigned (addr_assign_type).")
    static let carrier = gauge("carrier", "1 if the interface has carrier (link), else 0.")
    static let carrierChanges = MetricDescriptor(
        "node_network_carrier_changes_total", .counter, "Times the interface's carrier changed.", labels: device)
    static let carrierUpChanges = MetricDescriptor(
        "node_network_carrier_up_changes_total", .counter, "Times the interface's carrier came up.", labels: device)
    static let carrierDownChanges = MetricDescriptor(
        "node_network_carrier_down_changes_total", .counter, "Times the interface's carrier went down.", labels: device)
    static let deviceID = gauge("device_id", "Device port of the interface among those sharing one device (dev_id).")
    static let dormant = gauge("dormant", "1 if the interface is dormant, else 0.")
    static let flags = gauge("flags", "The interface's IFF_* flags.")
    static let ifaceID = gauge("iface_id", "The interface's index (ifindex).")
    static let ifaceLink = gauge("iface_link", "Index of the interface this one sits on (iflink).")
    static let ifaceLinkMode = gauge("iface_link_mode", "The interface's link mode (link_mode).")
    static let mtu = gauge("mtu_bytes", "The interface's MTU in bytes.")
    static let nameAssignType = gauge("name_assign_type", "How the interface got its name (name_assign_type).")
    static let netDevGroup = gauge("net_dev_group", "The interface's device group (netdev_group).")
    static let speed = gauge("speed_bytes", "The interface's link speed in bytes per second (-125000 when unknown).")
    static let transmitQueueLength = gauge("transmit_queue_length", "The interface's transmit queue length in packets.")
    static let protocolType = gauge("protocol_type", "The interface's ARPHRD_* hardware type.")

    /// How long the details read last may serve while the link's state stays the same.
    static let detailsMaxAge = 60.0
    /// Past this many interfaces (a container host's veths), only the files read every pass stay open,
    /// three descriptors an interface rather than twenty-three.
    static let interfacesWithAllKept = 64

    /// What is kept of one interface between passes: its reader and the attributes as last read.
    struct Kept {
        var attributes: NetInterfaceAttributes
        var files: [String: [UInt8]] = [:]
        var detailsReadAt = -Double.infinity
        /// `files` parsed; nil once any of them changed.
        var parsed: NetClassInterface?
    }

    private let sys: FileTree
    /// One per interface, kept while the interface is: renamed or re-created ones start again.
    private var kept: [String: Kept] = [:]

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        guard sys.exists("class/net") else {  // no sysfs network class here: nothing to report
            kept = [:]
            snapshot.setSection(name, MetricSamples())
            return
        }
        let names = try sys.listNonFiles("class/net").filter { !NodeDeviceFilters.netclassIgnores($0) }.sorted()
        var samples = MetricSamples()
        var now: [String: Kept] = [:]
        for interface in names {
            var entry = try keptEntry(for: interface, keepingAll: names.count <= Self.interfacesWithAllKept)
            var stateChanged = false
            for file in NetClassInterface.linkStateFiles {
                let bytes = try entry.attributes.read(file)
                if bytes != entry.files[file] {
                    stateChanged = true
                    entry.files[file] = bytes
                }
            }
            if stateChanged || instant.monotonic - entry.detailsReadAt >= Self.detailsMaxAge {
                for file in NetClassInterface.detailFiles {
                    let bytes = try entry.attributes.read(file)
                    if bytes != entry.files[file] {
                        stateChanged = true
                        entry.files[file] = bytes
                    }
                }
                entry.detailsReadAt = instant.monotonic
            }
            if stateChanged || entry.parsed == nil { entry.parsed = try NetClassInterface.parse(name: interface, files: entry.files) }
            if let parsed = entry.parsed { Self.add(parsed, to: &samples) }
            now[interface] = entry
        }
        kept = now
        snapshot.setSection(name, samples)
    }

    /// What was kept of the interface, or a fresh start when its descriptors are on another device now.
    private func keptEntry(for interface: String, keepingAll: Bool) throws -> Kept {
        // Taken out, so that changing its files does not copy them.
        if let entry = kept.removeValue(forKey: interface), try entry.attributes.stillTheSameDevice() { return entry }
        return Kept(
            attributes: try NetInterfaceAttributes(
                sys: sys, name: interface, keeping: keepingAll ? nil : Set(NetClassInterface.linkStateFiles)))
    }

    static func add(_ interface: NetClassInterface, to samples: inout MetricSamples) {
        let labels = [interface.name]
        samples.add(
            infoFamily,
            [interface.address, interface.broadcast, interface.name, interface.duplex, interface.ifAlias, interface.operState],
            1)
        samples.add(up, labels, interface.operState == "up" ? 1 : 0)
        samples.add(addressAssignType, labels, interface.addressAssignType)
        samples.add(carrier, labels, interface.carrier)
        samples.add(carrierChanges, labels, interface.carrierChanges)
        samples.add(carrierUpChanges, labels, interface.carrierUpCount)
        samples.add(carrierDownChanges, labels, interface.carrierDownCount)
        samples.add(deviceID, labels, interface.deviceID)
        samples.add(dormant, labels, interface.dormant)
        samples.add(flags, labels, interface.flags)
        samples.add(ifaceID, labels, interface.ifIndex)
        samples.add(ifaceLink, labels, interface.ifLink)
        samples.add(ifaceLinkMode, labels, interface.linkMode)
        samples.add(mtu, labels, interface.mtu)
        samples.add(nameAssignType, labels, interface.nameAssignType)
        samples.add(netDevGroup, labels, interface.netDevGroup)
        // node_exporter multiplies Mbit/s in integers, so an unknown speed (-1) shows as -125000 (its
        // --collector.netclass.ignore-invalid-speed, off by default, would leave it out).
        samples.add(speed, labels, interface.speed.map { $0 &* 1_000_000 / 8 })
        samples.add(transmitQueueLength, labels, interface.transmitQueueLength)
        samples.add(protocolType, labels, interface.type)
    }
}
