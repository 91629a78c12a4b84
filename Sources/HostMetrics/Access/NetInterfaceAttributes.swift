/// A network interface's sysfs directory (`class/net/<name>`) read through kept descriptors. A kept
/// descriptor follows the device, not the name: after a rename (udev's eth0 → enp3s0, a veth moved and
/// renamed) it would read another interface's figures under the old name. `uevent` says which device a
/// descriptor is on (INTERFACE=, IFINDEX=), so the owner checks it each pass and starts afresh on a change.
final class NetInterfaceAttributes {
    let name: String
    let attributes: SysfsAttributes
    /// IFINDEX= when these descriptors were opened; a new device under the name has another.
    let ifIndex: Int64?

    init(sys: FileTree, name: String, keeping: Set<String>? = nil) throws(FileError) {
        self.name = name
        attributes = SysfsAttributes(sys, directory: "class/net/" + name, keeping: keeping.map { $0.union(["uevent"]) })
        ifIndex = try attributes.read("uevent").map(Self.identity)?.ifIndex
    }

    /// Whether the kept descriptors are still on the device called `name` (true where there is no
    /// uevent to tell, as in fixture trees, whose files are opened afresh anyway).
    func stillTheSameDevice() throws(FileError) -> Bool {
        guard let identity = try attributes.read("uevent").map(Self.identity) else { return true }
        return identity.name == name && identity.ifIndex == ifIndex
    }

    func read(_ file: String) throws(FileError) -> [UInt8]? { try attributes.read(file) }

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
}
