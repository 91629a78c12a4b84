/// The cgroup filesystems in `/proc/self/mountinfo`: where each hierarchy is mounted and which part of it
/// the mount shows (a container's mount shows only its own subtree, so its root is not "/").
public struct CgroupMounts: Sendable, Equatable {
    public struct Mount: Sendable, Equatable {
        /// The part of the hierarchy at the mount point.
        public var root: String
        public var mountpoint: String
        /// `cgroup2`, or `cgroup` for a v1 hierarchy.
        public var fstype: String
        /// For v1, the controllers among the super options ("rw,memory" → ["memory"]).
        public var controllers: [String]
    }

    public var mounts: [Mount]

    public var unified: Mount? { mounts.first { $0.fstype == "cgroup2" } }

    public func v1(_ controller: String) -> Mount? {
        mounts.first { $0.fstype == "cgroup" && $0.controllers.contains(controller) }
    }

    /// The directory of a group's files: the mount point plus the group's path below the mount's root;
    /// `nil` when the mount does not show that group.
    public static func directory(of path: String, in mount: Mount) -> String? {
        let root = mount.root == "/" ? "" : mount.root
        guard path == root || path.hasPrefix(root + "/") || root.isEmpty else { return nil }
        let below = String(path.dropFirst(root.count))
        return below == "/" || below.isEmpty ? mount.mountpoint : mount.mountpoint + below
    }

    /// mountinfo(5): "ID parent major:minor root mountpoint options [optional...] - fstype source super".
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupMounts {
        var mounts: [Mount] = []
        for (number, line) in ByteFields.lines(bytes[...]).enumerated() {
            let fields = ByteFields.fields(line)
            guard let separator = fields.firstIndex(where: { $0.elementsEqual("-".utf8) }), separator >= 6,
                fields.count >= separator + 4
            else {
                throw ParseError(file: "mountinfo", line: number + 1, reason: "expected fields around \" - \"",
                                 text: ByteFields.text(line))
            }
            let fstype = ByteFields.text(fields[separator + 1])
            guard fstype == "cgroup" || fstype == "cgroup2" else { continue }
            let options = ByteFields.text(fields[separator + 3]).split(separator: ",").map(String.init)
            mounts.append(
                Mount(
                    root: Mounts.unescape(fields[3]), mountpoint: Mounts.unescape(fields[4]), fstype: fstype,
                    controllers: fstype == "cgroup" ? options.filter { $0 != "rw" && $0 != "ro" } : []))
        }
        return CgroupMounts(mounts: mounts)
    }
}
