/// `/proc/sys/fs/file-nr`: "allocated unused maximum" file handles (unused is always 0 since 2.6).
public struct FileNr: Sendable, Equatable {
    public var allocated: UInt64
    public var maximum: UInt64

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> FileNr {
        let fields = ByteFields.fields(bytes[...].split(separator: ByteFields.newline).first ?? [])
        guard fields.count == 3, let allocated = ByteFields.unsigned(fields[0]),
            let maximum = ByteFields.unsigned(fields[2])
        else {
            throw ParseError(file: "sys/fs/file-nr", line: 1, reason: "expected three counts", text: ByteFields.text(bytes[...]))
        }
        return FileNr(allocated: allocated, maximum: maximum)
    }
}
