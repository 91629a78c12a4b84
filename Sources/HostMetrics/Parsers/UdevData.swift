/// `/run/udev/data/b<major>:<minor>`: udev's database entry for a block device, one record per line as
/// a letter, a colon and its value (systemd's sd-device database: `S:` symlinks, `E:` properties, `G:`
/// tags, ...). Only the `E:KEY=value` properties are kept. The file is udev's, not the kernel's: like
/// node_exporter, a property line without `=` is passed over rather than failing the disk's figures.
public struct UdevData: Sendable, Equatable {
    public var properties: [String: String]

    public static func parse(_ bytes: [UInt8]) -> UdevData {
        var properties: [String: String] = [:]
        ByteFields.eachLine(bytes[...]) { line in
            guard line.starts(with: "E:".utf8) else { return true }
            let property = line.dropFirst(2)
            if let equals = property.firstIndex(of: UInt8(ascii: "=")) {
                properties[ByteFields.text(property[..<equals])] = ByteFields.text(property[(equals + 1)...])
            }
            return true
        }
        return UdevData(properties: properties)
    }
}
