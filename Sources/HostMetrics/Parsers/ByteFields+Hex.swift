extension ByteFields {
    /// A hexadecimal unsigned number without `0x` (softnet_stat, nf_conntrack stats, socket queues);
    /// `nil` for anything else, including overflow.
    static func hex(_ field: ArraySlice<UInt8>) -> UInt64? {
        guard !field.isEmpty, field.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in field {
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 97...102: digit = byte - 87
            case 65...70: digit = byte - 55
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// A decimal number that may be negative (/proc/vmstat and /proc/net/snmp have a few), as a Double,
    /// which is what the exposition carries.
    static func number(_ field: ArraySlice<UInt8>) -> Double? {
        if let value = unsigned(field) { return Double(value) }
        return signed(field).map { Double($0) }
    }

    static func hasSuffix(_ bytes: ArraySlice<UInt8>, _ suffix: [UInt8]) -> Bool {
        bytes.count >= suffix.count && bytes.suffix(suffix.count).elementsEqual(suffix)
    }
}
