/// `/proc/self/cgroup`: "hierarchy-ID:controller-list:path" per line; the cgroup v2 line is "0::/path",
/// a v1 line names its controllers ("4:memory:/docker/abc", "2:cpu,cpuacct:/...").
public struct ProcCgroup: Sendable, Equatable {
    public struct Membership: Sendable, Equatable {
        public var hierarchy: Int
        public var controllers: [String]
        public var path: String
    }

    public var memberships: [Membership]

    /// The unified (v2) hierarchy's path, when the process has one.
    public var unifiedPath: String? { memberships.first { $0.hierarchy == 0 && $0.controllers.isEmpty }?.path }

    /// The v1 path of the hierarchy holding `controller`.
    public func v1Path(_ controller: String) -> String? {
        memberships.first { $0.hierarchy != 0 && $0.controllers.contains(controller) }?.path
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> ProcCgroup {
        var memberships: [Membership] = []
        for (number, line) in ByteFields.lines(bytes[...]).enumerated() {
            // The path may itself hold colons: split at the first two only.
            let parts = line.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let hierarchy = ByteFields.unsigned(parts[0]) else {
                throw ParseError(file: "cgroup", line: number + 1, reason: "expected ID:controllers:path",
                                 text: ByteFields.text(line))
            }
            let controllers = parts[1].split(separator: UInt8(ascii: ",")).map { ByteFields.text($0) }
            memberships.append(Membership(hierarchy: Int(hierarchy), controllers: controllers, path: ByteFields.text(parts[2])))
        }
        return ProcCgroup(memberships: memberships)
    }
}
