/// The one-value files of cgroup v1 and v2.
public enum CgroupValues {
    /// v1 writes "no limit" as the largest page-aligned counter (9223372036854771712 on 4 KiB pages):
    /// anything from 2^62 up is taken as unlimited.
    static let v1Unlimited: UInt64 = 1 << 62

    /// A byte count, or `max` (v2's "no limit") as `nil`. Throws on anything else.
    public static func limit(_ bytes: [UInt8], file: String) throws(ParseError) -> UInt64? {
        let field = try single(bytes, file: file)
        if field.elementsEqual("max".utf8) { return nil }
        guard let value = ByteFields.unsigned(field) else {
            throw ParseError(file: file, line: 1, reason: "expected a number or max", text: ByteFields.text(field))
        }
        return value >= v1Unlimited ? nil : value
    }

    public static func unsigned(_ bytes: [UInt8], file: String) throws(ParseError) -> UInt64 {
        let field = try single(bytes, file: file)
        guard let value = ByteFields.unsigned(field) else {
            throw ParseError(file: file, line: 1, reason: "expected a number", text: ByteFields.text(field))
        }
        return value
    }

    /// v2 `cpu.max`: "$MAX $PERIOD" in microseconds, `max` for no quota; the quota as cores, `nil` if none.
    public static func cpuMax(_ bytes: [UInt8]) throws(ParseError) -> Double? {
        let fields = ByteFields.fields(ByteFields.lines(bytes[...]).first ?? [])
        guard fields.count == 2, let period = ByteFields.unsigned(fields[1]), period > 0 else {
            throw ParseError(file: "cpu.max", line: 1, reason: "expected \"$MAX $PERIOD\"", text: ByteFields.text(bytes[...]))
        }
        if fields[0].elementsEqual("max".utf8) { return nil }
        guard let quota = ByteFields.unsigned(fields[0]) else {
            throw ParseError(file: "cpu.max", line: 1, reason: "expected a quota or max", text: ByteFields.text(bytes[...]))
        }
        return Double(quota) / Double(period)
    }

    /// v1 `cpu.cfs_quota_us` over `cpu.cfs_period_us`: a quota of -1 means none.
    public static func cfsQuota(quota: [UInt8], period: [UInt8]) throws(ParseError) -> Double? {
        let quotaField = try single(quota, file: "cpu.cfs_quota_us")
        guard let quota = ByteFields.signed(quotaField) else {
            throw ParseError(file: "cpu.cfs_quota_us", line: 1, reason: "expected a number", text: ByteFields.text(quotaField))
        }
        let period = try unsigned(period, file: "cpu.cfs_period_us")
        return quota < 0 || period == 0 ? nil : Double(quota) / Double(period)
    }

    /// A "key value" file such as v2 `cpu.stat`; the value of `key`.
    public static func keyed(_ bytes: [UInt8], key: String, file: String) throws(ParseError) -> UInt64 {
        for line in ByteFields.lines(bytes[...]) {
            let fields = ByteFields.fields(line)
            if fields.count == 2, fields[0].elementsEqual(key.utf8), let value = ByteFields.unsigned(fields[1]) {
                return value
            }
        }
        throw ParseError(file: file, line: 0, reason: "no \(key)")
    }

    private static func single(_ bytes: [UInt8], file: String) throws(ParseError) -> ArraySlice<UInt8> {
        let fields = ByteFields.fields(ByteFields.lines(bytes[...]).first ?? [])
        guard fields.count == 1 else {
            throw ParseError(file: file, line: 1, reason: "expected one value", text: ByteFields.text(bytes[...]))
        }
        return fields[0]
    }
}
