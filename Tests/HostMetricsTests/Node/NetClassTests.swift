import API
import Glibc
import Testing

@testable import HostMetrics

@Suite struct NetClassTests {
    static func collect(_ sys: String) throws -> MetricSamples {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
        try NetClassCollector(sys: FileTree(root: sys)).collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        return try #require(snapshot.section("netclass", as: MetricSamples.self))
    }

    static func devices(_ samples: MetricSamples, _ family: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for sample in samples.samples where sample.descriptor.name == family {
            values[sample.labelValues[sample.descriptor.labels.firstIndex(of: "device")!]] = sample.value
        }
        return values
    }

    @Test func integersAreReadAsGoReadsThem() {
        func parse(_ text: String) -> Int64? { NetClassInterface.integer(Array(text.utf8)[...]) }
        #expect(parse("1500") == 1500)
        #expect(parse("-1") == -1)
        #expect(parse("+7") == 7)
        #expect(parse("0") == 0)
        #expect(parse("0x1003") == 4099)
        #expect(parse("0X1aF") == 431)
        #expect(parse("010") == 8, "a leading 0 is octal, as Go's ParseInt(s, 0, 64) reads it")
        #expect(parse("0o17") == 15)
        #expect(parse("0b101") == 5)
        #expect(parse("-9223372036854775808") == Int64.min)
        for bad in ["", "-", "0x", "12a", "08", "0b2", "9223372036854775808", "1 2", "unknown"] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }

    @Test func textIsTrimmedAndCutAt128Bytes() {
        #expect(NetClassInterface.text(Array(" up\n".utf8)[...]) == "up")
        #expect(NetClassInterface.text(Array("\n".utf8)[...]) == "")
        let long = String(repeating: "a", count: 200) + "\n"
        #expect(NetClassInterface.text(Array(long.utf8)[...]) == String(repeating: "a", count: 128))
    }

    @Test func aMalformedNumberNamesItsFile() {
        #expect(throws: ParseError(file: "class/net/eth9/mtu", line: 1, reason: "expected an integer", text: "big")) {
            try NetClassInterface.parse(name: "eth9", files: ["mtu": Array("big\n".utf8), "operstate": Array("up\n".utf8)])
        }
    }

    @Test func aPhysicalNICExportsEveryFamily() throws {
        let samples = try Self.collect(Fixtures.directory + "/node/netclass/sys")
        let expected: [(String, Double)] = [
            ("up", 1), ("address_assign_type", 0), ("carrier", 1), ("carrier_changes_total", 3),
            ("carrier_up_changes_total", 2), ("carrier_down_changes_total", 1), ("device_id", 0), ("dormant", 0),
            ("flags", 4099), ("iface_id", 2), ("iface_link", 2), ("iface_link_mode", 0), ("mtu_bytes", 9000),
            ("name_assign_type", 4), ("net_dev_group", 0), ("speed_bytes", 125_000_000),
            ("transmit_queue_length", 1000), ("protocol_type", 1),
        ]
        for (family, value) in expected {
            #expect(Self.devices(samples, "node_network_\(family)")["enp3s0"] == value, "\(family)")
        }
        let info = try #require(samples.samples.first { $0.descriptor.name == "node_network_info" && $0.labelValues[2] == "enp3s0" })
        #expect(info.descriptor.labels == ["address", "broadcast", "device", "duplex", "ifalias", "operstate"])
        #expect(info.labelValues == ["3c:ec:ef:12:34:56", "ff:ff:ff:ff:ff:ff", "enp3s0", "full", "uplink to core-sw1 port 12", "up"])
        #expect(info.value == 1)
        let types = Dictionary(samples.samples.map { ($0.descriptor.name, $0.descriptor.type) }, uniquingKeysWith: { a, _ in a })
        #expect(types["node_network_carrier_changes_total"] == .counter && types["node_network_mtu_bytes"] == .gauge)
        #expect(Set(types.keys) == Set(NetClassCollector.info.exports), "every declared family, nothing else")
    }

    /// An interface that is down has no carrier, dormant, speed or duplex (the kernel says EINVAL), and
    /// bonding_masters beside the interfaces is not one.
    @Test func aDownNICLeavesOutWhatTheKernelRefuses() throws {
        let samples = try Self.collect(Fixtures.directory + "/node/netclass/sys")
        #expect(Set(Self.devices(samples, "node_network_up").keys) == ["enp3s0", "enp4s0"])
        #expect(Self.devices(samples, "node_network_up")["enp4s0"] == 0)
        for family in ["carrier", "dormant", "speed_bytes"] {
            #expect(Self.devices(samples, "node_network_\(family)")["enp4s0"] == nil, "\(family)")
        }
        #expect(Self.devices(samples, "node_network_device_id")["enp4s0"] == 1)
        #expect(Self.devices(samples, "node_network_flags")["enp4s0"] == 0x1002)
        let info = try #require(samples.samples.first { $0.descriptor.name == "node_network_info" && $0.labelValues[2] == "enp4s0" })
        #expect(info.labelValues == ["3c:ec:ef:12:34:57", "ff:ff:ff:ff:ff:ff", "enp4s0", "", "", "down"])
    }

    /// virtio reports speed -1 (unknown); node_exporter's integer arithmetic makes it -125000, and
    /// without --collector.netclass.ignore-invalid-speed it is exported so.
    @Test func capturedHostMatchesItsFiles() throws {
        let samples = try Self.collect(Fixtures.directory + "/host/sys")
        #expect(Set(Self.devices(samples, "node_network_up").keys) == ["eth0", "ifb0", "ifb1", "lo"])
        #expect(Self.devices(samples, "node_network_speed_bytes") == ["eth0": -125_000])
        func captured(_ device: String, _ file: String) throws -> Double {
            Double(String(decoding: try Fixtures.bytes("host/sys/class/net/\(device)/\(file)"), as: UTF8.self).filter { $0 != "\n" })!
        }
        for device in ["eth0", "ifb0", "lo"] {
            #expect(Self.devices(samples, "node_network_mtu_bytes")[device] == (try captured(device, "mtu")))
            #expect(Self.devices(samples, "node_network_iface_id")[device] == (try captured(device, "ifindex")))
            #expect(Self.devices(samples, "node_network_protocol_type")[device] == (try captured(device, "type")))
        }
        #expect(Self.devices(samples, "node_network_carrier")["ifb0"] == nil, "ifb0 is down: no carrier file captured")
    }

    /// On the real /sys: loopback's speed is refused with EINVAL on every kernel (no link settings), which
    /// leaves the family out for it and fails nothing; the refused descriptor stays open for the next pass.
    @Test func theKernelsRefusalIsNotAFailure() throws {
        let attributes = SysfsAttributes(FileTree(root: "/sys"), directory: "class/net/lo")
        let direct = open("/sys/class/net/lo/speed", O_RDONLY)
        defer { close(direct) }
        var byte: UInt8 = 0
        #expect(read(direct, &byte, 1) == -1 && errno == EINVAL, "the kernel refuses lo's speed")
        #expect(try attributes.read("speed") == nil)
        #expect(try attributes.read("speed") == nil)
        #expect(try attributes.read("mtu") != nil)
        #expect(attributes.keptCount == 2, "the refused descriptor is kept beside mtu's")
        #expect(try attributes.read("no_such_attribute") == nil)
        let few = SysfsAttributes(FileTree(root: "/sys"), directory: "class/net/lo", keeping: ["operstate"])
        #expect(try few.read("mtu") != nil && few.read("operstate") != nil)
        #expect(few.keptCount == 1, "only what it was told to keep stays open")
        let samples = try Self.collect("/sys")
        #expect(Self.devices(samples, "node_network_up")["lo"] != nil)
        #expect(Self.devices(samples, "node_network_speed_bytes")["lo"] == nil)
    }

    /// operstate and carrier_changes are read every pass; the rest when either changed, else once a minute.
    @Test func detailsAreReadWhenTheLinkChangesOrAMinuteOn() throws {
        let tree = try DeviceScratchTree(copying: Fixtures.directory + "/node/netclass/sys")
        let collector = NetClassCollector(sys: FileTree(root: tree.path))
        func pass(at seconds: Double) throws -> (mtu: Double?, up: Double?, carrierChanges: Double?) {
            var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
            try collector.collect(into: &snapshot, at: SampleInstant(monotonic: seconds, wall: seconds))
            let samples = try #require(snapshot.section("netclass", as: MetricSamples.self))
            return (Self.devices(samples, "node_network_mtu_bytes")["enp3s0"], Self.devices(samples, "node_network_up")["enp3s0"],
                    Self.devices(samples, "node_network_carrier_changes_total")["enp3s0"])
        }
        #expect(try pass(at: 0).mtu == 9000)
        try tree.write("class/net/enp3s0/mtu", "1500\n")
        try tree.write("class/net/enp3s0/carrier_changes", "5\n")
        try tree.write("class/net/enp3s0/carrier_down_count", "2\n")
        let changed = try pass(at: 5)
        #expect(changed.carrierChanges == 5, "link state: every pass")
        #expect(changed.mtu == 1500, "the link changed: the rest read again")
        try tree.write("class/net/enp3s0/mtu", "4000\n")
        #expect(try pass(at: 10).mtu == 1500, "nothing about the link changed: details as read at 5 s")
        #expect(try pass(at: 64).mtu == 1500)
        #expect(try pass(at: 65).mtu == 4000, "a minute on")
        try tree.write("class/net/enp3s0/operstate", "down\n")
        try tree.write("class/net/enp3s0/mtu", "1280\n")
        let down = try pass(at: 70)
        #expect(down.up == 0 && down.mtu == 1280)
    }

    @Test func noNetworkClassIsAnEmptySection() throws {
        #expect(try Self.collect(Fixtures.directory + "/node/netclass/nothing-here").samples.isEmpty)
    }

    @Test func ueventTellsARenamedOrRecreatedDevice() {
        let identity = NetInterfaceAttributes.identity(Array("INTERFACE=eth0\nIFINDEX=4\n".utf8))
        #expect(identity.name == "eth0" && identity.ifIndex == 4)
        #expect(NetInterfaceAttributes.identity(Array("DEVTYPE=wlan\n".utf8)).ifIndex == nil)
    }

    @Test func onlyTheEmptyNameIsIgnored() {
        #expect(NodeDeviceFilters.netclassIgnores(""))
        #expect(!NodeDeviceFilters.netclassIgnores("eth0") && !NodeDeviceFilters.netclassIgnores("^$"))
    }
}
