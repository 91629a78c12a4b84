/// bcache's sysfs values (drivers/md/bcache/sysfs.c, Documentation/admin-guide/bcache.rst): plain
/// numbers, or human-readable sizes from `bch_hprint` (`20.4G`, `1.1M`, `512k`), whose one fractional
/// digit procfs reads as digit/10.24 of the unit; node_exporter's values follow procfs, so do these.
enum BcacheValue {
    static let units: [UInt8: Double] = [
        UInt8(ascii: "k"): 0x1p10, UInt8(ascii: "M"): 0x1p20, UInt8(ascii: "G"): 0x1p30, UInt8(ascii: "T"): 0x1p40,
        UInt8(ascii: "P"): 0x1p50, UInt8(ascii: "E"): 0x1p60, UInt8(ascii: "Z"): 0x1p70, UInt8(ascii: "Y"): 0x1p80,
    ]

    /// procfs's `dehumanize`: a trailing letter is a unit (an unknown one makes 0), the rest a number.
    static func unsigned(_ text: String) -> UInt64? {
        var bytes = Array(text.utf8)
        guard let last = bytes.last else { return nil }
        if last > UInt8(ascii: "9") {
            bytes.removeLast()
            guard let mantissa = pseudoFloat(String(decoding: bytes, as: UTF8.self)) else { return nil }
            return truncated(mantissa * (units[last] ?? 0))
        }
        return Double(text).flatMap(truncated)
    }

    static func signed(_ text: String) -> Int64? {
        let negative = text.hasPrefix("-")
        guard let magnitude = unsigned(negative ? String(text.dropFirst()) : text) else { return nil }
        return negative ? -Int64(truncatingIfNeeded: magnitude) : Int64(truncatingIfNeeded: magnitude)
    }

    /// `20.4` → 20 + 4/10.24, as procfs reads bch_hprint's fraction digit.
    static func pseudoFloat(_ text: String) -> Double? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = Double(parts[0]) else { return nil }
        guard parts.count > 1 else { return whole }
        guard let fraction = Double(parts[1]) else { return nil }
        return whole + fraction / 10.24
    }

    private static func truncated(_ value: Double) -> UInt64? {
        guard value.isFinite, value >= 0, value < 0x1p64 else { return nil }
        return UInt64(value)
    }
}
