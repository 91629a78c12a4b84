/// `/proc/meminfo`: every field in file order. Fields newer kernels added (MemAvailable since 3.14,
/// SReclaimable, Active(file), …) may be missing, so lookups are optional.
public struct MemInfo: Sendable, Equatable {
    public var fields: [(name: String, value: UInt64, isBytes: Bool)]

    public static func == (a: MemInfo, b: MemInfo) -> Bool {
        a.fields.elementsEqual(b.fields) { $0.name == $1.name && $0.value == $1.value && $0.isBytes == $1.isBytes }
    }

    /// The field's value in bytes (or count when the kernel gave no unit).
    public subscript(_ name: String) -> UInt64? {
        fields.first { $0.name == name }?.value
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> MemInfo {
        var info = MemInfo(fields: [])
        for (number, line) in ByteFields.lines(bytes[...]).enumerated() {
            let fields = ByteFields.fields(line)
            guard fields.count >= 2, fields[0].last == UInt8(ascii: ":"), let value = ByteFields.unsigned(fields[1])
            else {
                throw ParseError(file: "meminfo", line: number + 1, reason: "expected \"Name: value [kB]\"",
                                 text: ByteFields.text(line))
            }
            let isBytes = fields.count > 2 && ByteFields.text(fields[2]) == "kB"
            let (scaled, overflow) = value.multipliedReportingOverflow(by: isBytes ? 1024 : 1)
            guard !overflow else {
                throw ParseError(file: "meminfo", line: number + 1, reason: "value too large", text: ByteFields.text(line))
            }
            info.fields.append((ByteFields.text(fields[0].dropLast()), scaled, isBytes))
        }
        guard info["MemTotal"] != nil else { throw ParseError(file: "meminfo", line: 0, reason: "no MemTotal") }
        return info
    }
}
