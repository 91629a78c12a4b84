/// `/sys/class/net/<iface>/*`: one value per attribute file (Documentation/ABI/testing/sysfs-class-net).
/// A file the kernel does not offer or refuses to show (speed and duplex of a link that is down or
/// virtual, carrier of one that is not running: EINVAL) is simply not among `files`, and its field is
/// `nil` or empty, as node_exporter leaves it out.
public struct NetClassInterface: Sendable, Equatable {
    public var name: String
    public var address = "", broadcast = "", duplex = "", ifAlias = "", operState = ""
    public var addressAssignType: Int64?, carrier: Int64?, carrierChanges: Int64?, carrierUpCount: Int64?
    public var carrierDownCount: Int64?, deviceID: Int64?, dormant: Int64?, flags: Int64?, ifIndex: Int64?
    public var ifLink: Int64?, linkMode: Int64?, mtu: Int64?, nameAssignType: Int64?, netDevGroup: Int64?
    /// Mbit/s; -1 where the driver does not know (virtio).
    public var speed: Int64?
    public var transmitQueueLength: Int64?
    /// ARPHRD_* (1 Ethernet, 772 loopback).
    public var type: Int64?

    /// Two attributes that change whenever the link does: operstate (dormant and admin state show in it)
    /// and carrier_changes (the kernel counts every carrier up and down, so carrier, its up and down
    /// counts, and speed and duplex, renegotiated only with the link, move with it).
    public static let linkStateFiles = ["operstate", "carrier_changes"]
    /// The rest: the link's details, and settings that change only when someone changes them.
    public static let detailFiles = [
        "carrier", "carrier_up_count", "carrier_down_count", "dormant", "speed", "duplex", "address", "broadcast",
        "ifalias", "addr_assign_type", "dev_id", "flags", "ifindex", "iflink", "link_mode", "mtu", "name_assign_type",
        "netdev_group", "tx_queue_len", "type",
    ]

    /// `files`: attribute file name to its bytes, for the files that could be read.
    public static func parse(name: String, files: [String: [UInt8]]) throws(ParseError) -> NetClassInterface {
        var interface = NetClassInterface(name: name)
        func text(_ file: String) -> String { files[file].map { Self.text($0[...]) } ?? "" }
        func number(_ file: String) throws(ParseError) -> Int64? {
            guard let bytes = files[file] else { return nil }
            let trimmed = trimmed(bytes[...])
            guard let value = integer(trimmed) else {
                throw ParseError(file: "class/net/\(name)/\(file)", line: 1, reason: "expected an integer",
                                 text: ByteFields.text(trimmed))
            }
            return value
        }
        interface.address = text("address")
        interface.broadcast = text("broadcast")
        interface.duplex = text("duplex")
        interface.ifAlias = text("ifalias")
        interface.operState = text("operstate")
        interface.addressAssignType = try number("addr_assign_type")
        interface.carrier = try number("carrier")
        interface.carrierChanges = try number("carrier_changes")
        interface.carrierUpCount = try number("carrier_up_count")
        interface.carrierDownCount = try number("carrier_down_count")
        interface.deviceID = try number("dev_id")
        interface.dormant = try number("dormant")
        interface.flags = try number("flags")
        interface.ifIndex = try number("ifindex")
        interface.ifLink = try number("iflink")
        interface.linkMode = try number("link_mode")
        interface.mtu = try number("mtu")
        interface.nameAssignType = try number("name_assign_type")
        interface.netDevGroup = try number("netdev_group")
        interface.speed = try number("speed")
        interface.transmitQueueLength = try number("tx_queue_len")
        interface.type = try number("type")
        return interface
    }

    /// node_exporter reads at most 128 bytes of an attribute and trims white space around it.
    static func text(_ bytes: ArraySlice<UInt8>) -> String { ByteFields.text(trimmed(bytes)) }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let head = bytes.prefix(128)
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        guard let first = head.firstIndex(where: { !isSpace($0) }), let last = head.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return head[first...last]
    }

    /// An integer as the kernel prints these attributes: decimal (`1500`, `-1`) or hex with `0x` (`flags`,
    /// `dev_id`). Like Go's `ParseInt(s, 0, 64)`, which node_exporter uses, `0o`/`0b` prefixes and a leading
    /// `0` (octal) are read too.
    static func integer(_ text: ArraySlice<UInt8>) -> Int64? {
        var digits = text
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        var radix: UInt64 = 10
        if digits.count >= 2, digits.first == UInt8(ascii: "0") {
            switch digits[digits.startIndex + 1] | 0x20 {
            case UInt8(ascii: "x"): radix = 16; digits = digits.dropFirst(2)
            case UInt8(ascii: "o"): radix = 8; digits = digits.dropFirst(2)
            case UInt8(ascii: "b"): radix = 2; digits = digits.dropFirst(2)
            default: radix = 8; digits = digits.dropFirst()
            }
        }
        guard !digits.isEmpty else { return nil }
        var magnitude: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            guard digit < radix else { return nil }
            let (shifted, overflow1) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
        }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }
}
