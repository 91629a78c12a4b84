/// `/proc/zoneinfo`, only as far as psutil needs it: the sum of every zone's low watermark (in pages),
/// for estimating available memory on kernels without MemAvailable.
public struct ZoneInfo: Sendable, Equatable {
    public var lowWatermarkPages: UInt64

    public static func parse(_ bytes: [UInt8]) -> ZoneInfo {
        var sum: UInt64 = 0
        for line in ByteFields.lines(bytes[...]) {
            let fields = ByteFields.fields(line)
            if fields.count >= 2, ByteFields.text(fields[0]) == "low", let pages = ByteFields.unsigned(fields[1]) {
                sum += pages
            }
        }
        return ZoneInfo(lowWatermarkPages: sum)
    }
}
