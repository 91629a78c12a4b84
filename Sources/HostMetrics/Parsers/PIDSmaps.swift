/// `/proc/PID/smaps`: each mapping's header line ("start-end perms offset dev inode [path]") followed by its
/// "Key:   N kB" lines (and a "VmFlags:" line). Only what deciding about a mapping's pages needs is kept.
public struct PIDSmaps: Sendable, Equatable {
    public struct Mapping: Sendable, Equatable {
        public var start: UInt64
        public var end: UInt64
        /// "r-xp": read, write, execute, and p(rivate) or s(hared).
        public var permissions: String
        public var inode: UInt64
        /// The file, "[heap]", "[stack]", "[vdso]"…, or "" for anonymous memory. A file replaced or removed
        /// while mapped ends in " (deleted)".
        public var path: String
        /// Resident, in KiB.
        public var rssKiB: UInt64 = 0
        /// Private copies the process made of the mapping's pages (relocations written into a read-only
        /// RELRO segment show here), in KiB.
        public var anonymousKiB: UInt64 = 0
        /// Resident pages other processes map too (Shared_Clean + Shared_Dirty), in KiB.
        public var sharedKiB: UInt64 = 0

        public var isWritable: Bool { permissions.utf8.dropFirst().first == UInt8(ascii: "w") }
        /// Copy-on-write ("p") rather than shared ("s") with the file.
        public var isPrivate: Bool { permissions.utf8.last == UInt8(ascii: "p") }
        /// Backed by a file on disk, not anonymous memory nor one of the kernel's special mappings.
        public var isFileBacked: Bool { inode != 0 && path.hasPrefix("/") }
        /// The file was removed or replaced since it was mapped: its path names another file or none.
        public var isDeleted: Bool { path.hasSuffix(" (deleted)") }
    }

    public var mappings: [Mapping]

    public var rssKiB: UInt64 { mappings.reduce(0) { $0 + $1.rssKiB } }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> PIDSmaps {
        var mappings: [Mapping] = []
        var number = 0
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            number += 1
            let fields = ByteFields.fields(line)
            guard let first = fields.first else { return true }
            if first.last == UInt8(ascii: ":") {
                guard !mappings.isEmpty else {
                    failure = ParseError(file: "smaps", line: number, reason: "a field before any mapping", text: ByteFields.text(line))
                    return false
                }
                let key = first.dropLast()
                if fields.count == 3, let value = ByteFields.unsigned(fields[1]) {
                    if key.elementsEqual("Rss".utf8) { mappings[mappings.count - 1].rssKiB = value }
                    if key.elementsEqual("Anonymous".utf8) { mappings[mappings.count - 1].anonymousKiB = value }
                    if key.elementsEqual("Shared_Clean".utf8) || key.elementsEqual("Shared_Dirty".utf8) {
                        mappings[mappings.count - 1].sharedKiB += value
                    }
                }
                return true
            }
            guard let mapping = header(line, fields) else {
                failure = ParseError(file: "smaps", line: number, reason: "expected a mapping or a field", text: ByteFields.text(line))
                return false
            }
            mappings.append(mapping)
            return true
        }
        if let failure { throw failure }
        return PIDSmaps(mappings: mappings)
    }

    /// "7f1c2a400000-7f1c2a428000 r--p 00000000 fe:01 1311 /usr/lib/x86_64-linux-gnu/libc.so.6"; the
    /// path is the rest of the line after the fifth field, spaces and all.
    private static func header(_ line: ArraySlice<UInt8>, _ fields: [ArraySlice<UInt8>]) -> Mapping? {
        guard fields.count >= 5, fields[1].count == 4, let dash = fields[0].firstIndex(of: UInt8(ascii: "-")),
            let start = ByteFields.hex(fields[0][..<dash]), let end = ByteFields.hex(fields[0][(dash + 1)...]),
            ByteFields.hex(fields[2]) != nil, let inode = ByteFields.unsigned(fields[4])
        else { return nil }
        var path = ""
        if fields.count > 5 {
            let rest = line[fields[5].startIndex...]
            path = ByteFields.text(rest[..<(rest.lastIndex { $0 != ByteFields.space && $0 != ByteFields.tab }! + 1)])
        }
        return Mapping(start: start, end: end, permissions: ByteFields.text(fields[1]), inode: inode, path: path)
    }
}
