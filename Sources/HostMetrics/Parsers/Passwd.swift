/// `/etc/passwd` of the watched root: user names by uid. Read from the host's root rather than through
/// getpwuid, which in a container would answer from the container's own passwd.
public struct Passwd: Sendable, Equatable {
    public var names: [UInt32: String]

    public static func parse(_ bytes: [UInt8]) -> Passwd {
        var names: [UInt32: String] = [:]
        for line in ByteFields.lines(bytes[...]) where line.first != UInt8(ascii: "#") {
            let parts = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard parts.count >= 3, let uid = ByteFields.unsigned(parts[2]), uid <= UInt32.max else { continue }
            // First entry wins, as getpwuid does.
            if names[UInt32(uid)] == nil { names[UInt32(uid)] = ByteFields.text(parts[0]) }
        }
        return Passwd(names: names)
    }
}
