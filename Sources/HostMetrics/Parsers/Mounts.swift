/// `/proc/PID/mounts`: device, mount point, type and options of every mount.
public struct Mounts: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var device: String
        public var mountpoint: String
        public var fstype: String
        public var options: [String]
        public var readOnly: Bool { options.contains("ro") }
    }

    public var entries: [Entry]

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> Mounts {
        var entries: [Entry] = []
        for (number, line) in ByteFields.lines(bytes[...]).enumerated() {
            let fields = ByteFields.fields(line)
            guard fields.count >= 4 else {
                throw ParseError(file: "mounts", line: number + 1, reason: "expected at least 4 fields",
                                 text: ByteFields.text(line))
            }
            entries.append(
                Entry(
                    device: unescape(fields[0]), mountpoint: unescape(fields[1]), fstype: ByteFields.text(fields[2]),
                    options: ByteFields.text(fields[3]).split(separator: ",").map(String.init)))
        }
        return Mounts(entries: entries)
    }

    /// The kernel writes space, tab, newline and backslash in paths as octal escapes (`\040`).
    static func unescape(_ field: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var index = field.startIndex
        while index < field.endIndex {
            let byte = field[index]
            if byte == UInt8(ascii: "\\"), field.endIndex - index >= 4,
                let code = UInt8(ByteFields.text(field[(index + 1)...(index + 3)]), radix: 8)
            {
                out.append(code)
                index += 4
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// `/proc/filesystems`: the filesystem types backed by a device (lines without `nodev`), which is how
/// psutil's `disk_partitions(all=False)` tells real filesystems from pseudo ones.
public struct FilesystemTypes: Sendable, Equatable {
    public var deviceBacked: Set<String>

    public static func parse(_ bytes: [UInt8]) -> FilesystemTypes {
        var types: Set<String> = []
        for line in ByteFields.lines(bytes[...]) {
            let fields = ByteFields.fields(line)
            if fields.count == 1 {
                types.insert(ByteFields.text(fields[0]))
            } else if fields.count == 2, ByteFields.text(fields[1]) == "zfs" {
                types.insert("zfs")  // nodev, but a real pool: psutil counts it too
            }
        }
        return FilesystemTypes(deviceBacked: types)
    }
}
