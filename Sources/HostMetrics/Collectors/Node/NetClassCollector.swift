import API

/// node_exporter's `netclass`: each network interface's sysfs attributes (link state, carrier and its
/// changes, MTU, speed, flags, addresses), what the "interface down" and "saturated link" panels read.
public final class NetClassCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "netclass", reads: ["sys/class/net/*/{" + (NetClassInterface.textFiles + NetClassInterface.numberFiles).joined(separator: ",") + ",uevent}"],
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

    private let sys: FileTree
    /// One reader per interface, kept while the interface is: renamed or re-created ones get a new one.
    private var readers: [String: (attributes: SysfsAttributes, ifIndex: Int64?)] = [:]

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        guard sys.exists("class/net") else {  // no sysfs network class here: nothing to report
            readers = [:]
            snapshot.setSection(name, MetricSamples())
            return
        }
        let names = try sys.listNonFiles("class/net").filter { !NodeDeviceFilters.netclassIgnores($0) }.sorted()
        var samples = MetricSamples()
        var kept: [String: (attributes: SysfsAttributes, ifIndex: Int64?)] = [:]
        for interface in names {
            let (attributes, ifIndex) = try reader(for: interface)
            kept[interface] = (attributes, ifIndex)
            var files: [String: [UInt8]] = [:]
            for file in NetClassInterface.textFiles + NetClassInterface.numberFiles {
                if let bytes = try attributes.read(file) { files[file] = bytes }
            }
            Self.add(try NetClassInterface.parse(name: interface, files: files), to: &samples)
        }
        readers = kept
        snapshot.setSection(name, samples)
    }

    /// The interface's reader, or a new one when `uevent` shows that the kept descriptors now belong to a
    /// device that was renamed away (INTERFACE= another name) or that a new device took the name
    /// (IFINDEX= another index).
    private func reader(for interface: String) throws -> (SysfsAttributes, Int64?) {
        if let (attributes, ifIndex) = readers[interface] {
            let identity = try attributes.read("uevent").map(Self.identity)
            if identity == nil || (identity?.name == interface && identity?.ifIndex == ifIndex) {
                return (attributes, ifIndex)
            }
        }
        let attributes = SysfsAttributes(sys, directory: "class/net/" + interface)
        let identity = try attributes.read("uevent").map(Self.identity)
        return (attributes, identity?.ifIndex)
    }

    /// INTERFACE= and IFINDEX= of a network device's uevent file.
    static func identity(_ uevent: [UInt8]) -> (name: String, ifIndex: Int64?) {
        var name = "", ifIndex: Int64?
        ByteFields.eachLine(uevent[...]) { line in
            if line.starts(with: "INTERFACE=".utf8) { name = ByteFields.text(line.dropFirst(10)) }
            if line.starts(with: "IFINDEX=".utf8) { ifIndex = ByteFields.signed(line.dropFirst(8)) }
            return true
        }
        return (name, ifIndex)
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
