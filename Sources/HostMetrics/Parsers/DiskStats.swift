/// `/proc/diskstats`: I/O counters per block device. Sectors are always 512 bytes here, whatever the
/// device's own sector size (Documentation/admin-guide/iostats.rst).
public struct DiskStats: Sendable, Equatable {
    public struct Device: Sendable, Equatable {
        public var major, minor: UInt64
        public var name: String
        /// reads, reads merged, sectors read, ms reading, writes, writes merged, sectors written,
        /// ms writing, I/Os in progress, ms doing I/O, weighted ms, then discard and flush fields on
        /// newer kernels.
        public var counters: [UInt64]

        public func counter(_ index: Int) -> UInt64 { index < counters.count ? counters[index] : 0 }
    }

    public var devices: [Device]

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> DiskStats {
        var devices: [Device] = []
        for (number, line) in ByteFields.lines(bytes[...]).enumerated() {
            let fields = ByteFields.fields(line)
            let counters = fields.dropFirst(3).compactMap(ByteFields.unsigned)
            guard fields.count >= 14, let major = ByteFields.unsigned(fields[0]),
                let minor = ByteFields.unsigned(fields[1]), counters.count == fields.count - 3
            else {
                throw ParseError(file: "diskstats", line: number + 1, reason: "expected major minor name and 11+ counters",
                                 text: ByteFields.text(line))
            }
            devices.append(Device(major: major, minor: minor, name: ByteFields.text(fields[2]), counters: counters))
        }
        return DiskStats(devices: devices)
    }
}
