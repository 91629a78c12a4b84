#if canImport(Glibc)
    import Glibc
#endif

/// What uname(2) says of the running kernel and of this host's names: node_uname_info's labels.
public struct Uname: Sendable, Equatable {
    public var sysname: String
    public var release: String
    public var version: String
    public var machine: String
    public var nodename: String
    public var domainname: String

    public init(sysname: String, release: String, version: String, machine: String, nodename: String, domainname: String) {
        self.sysname = sysname
        self.release = release
        self.version = version
        self.machine = machine
        self.nodename = nodename
        self.domainname = domainname
    }

    /// The running kernel's. Asked on every pass, since the host and domain names can change while it runs.
    public static func current() throws(SystemCallError) -> Uname {
        var names = utsname()
        guard uname(&names) == 0 else { throw SystemCallError(call: "uname", errno: errno) }
        return Uname(
            sysname: text(names.sysname), release: text(names.release), version: text(names.version),
            machine: text(names.machine), nodename: text(names.nodename), domainname: text(names.__domainname))
    }

    /// A fixed-size C string field (a tuple of CChar in Swift), up to its terminating NUL.
    private static func text<Field>(_ field: Field) -> String {
        withUnsafeBytes(of: field) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
