/// node_exporter's default device and mount filters, for the families `/metrics` shares with it: its
/// regular expressions written out as byte rules, one branch per alternative, so a pass compiles no
/// regex and a test can cover each alternative. The target is Debian's node_exporter 1.5.0 (the
/// package a user swaps for this agent), whose defaults `--help` prints; where Debian's build differs
/// from upstream's source the comment says so. The JSON snapshot and the dashboard push keep psutil's
/// own choices and never pass through these.
public enum NodeDeviceFilters {
    /// `--collector.netdev.device-exclude`: Debian's build defaults to `^lo$` (upstream 1.5.0 has no default
    /// and lists `lo` too).
    public static func netdevExcludes(_ name: String) -> Bool { name == "lo" }

    /// `--collector.netclass.ignored-devices`, default `^$`: only an empty name, which no interface has.
    public static func netclassIgnores(_ name: String) -> Bool { name.isEmpty }

    /// `--collector.diskstats.device-exclude`, default `^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$`
    /// (Debian's and upstream's alike): RAM disks, loop and floppy devices, and the partitions of IDE,
    /// SCSI, virtio, Xen and NVMe disks. Whole disks, zram, device-mapper, md, mmcblk partitions and
    /// `sdaa1` (two letters) stay.
    public static func diskstatsExcludes(_ name: String) -> Bool {
        let scan = ByteScanner(name)
        // ram\d+ | loop\d+ | fd\d+
        for prefix in ["ram", "loop", "fd"] where scan.skipping(prefix)?.digitsToEnd == true {
            return true
        }
        // (h|s|v|xv)d[a-z]\d+
        for prefix in ["hd", "sd", "vd", "xvd"] {
            if var rest = scan.skipping(prefix), rest.skippingLowercaseLetter(), rest.digitsToEnd {
                return true
            }
        }
        // nvme\d+n\d+p\d+
        if var rest = scan.skipping("nvme"), rest.skippingDigits(), rest.skippingByte("n"),
            rest.skippingDigits(), rest.skippingByte("p"), rest.digitsToEnd
        {
            return true
        }
        return false
    }

    /// `--collector.filesystem.mount-points-exclude`. Debian's build defaults to
    /// `^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)`; upstream
    /// 1.5.0's is `^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)`
    /// and so lists /run, /mnt and /media mounts that Debian's leaves out.
    public static func filesystemExcludesMountPoint(_ mountpoint: String) -> Bool {
        // /dev, /proc, /run, /sys, /mnt, /media: the directory itself or anything below it.
        for directory in ["/dev", "/proc", "/run", "/sys", "/mnt", "/media"] {
            if mountpoint == directory || mountpoint.hasPrefix(directory + "/") { return true }
        }
        // var/lib/docker/.+ and var/lib/containers/storage/.+: `.+` then `($|/)` holds for anything at
        // least one byte long below the directory (`.` matches `/` too, though not a newline).
        for directory in ["/var/lib/docker/", "/var/lib/containers/storage/"] where mountpoint.hasPrefix(directory) {
            let rest = mountpoint.utf8.dropFirst(directory.utf8.count)
            if !rest.isEmpty && rest.first != UInt8(ascii: "\n") { return true }
        }
        return false
    }

    /// `--collector.filesystem.fs-types-exclude`, default (Debian's and upstream's alike)
    /// `^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$`:
    /// pseudo filesystems, and read-only images whose free space is always 0.
    public static let filesystemExcludedTypes: Set<String> = [
        "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts", "devtmpfs",
        "fusectl", "hugetlbfs", "iso9660", "mqueue", "nsfs", "overlay", "proc", "procfs", "pstore",
        "rpc_pipefs", "securityfs", "selinuxfs", "squashfs", "sysfs", "tracefs",
    ]

    public static func filesystemExcludesType(_ fstype: String) -> Bool { filesystemExcludedTypes.contains(fstype) }
}

/// Walks a name's bytes for the anchored patterns above; each `skipping` returns the rest or fails.
struct ByteScanner {
    private let bytes: [UInt8]
    private var at = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    func skipping(_ prefix: String) -> ByteScanner? {
        var copy = self
        for byte in prefix.utf8 {
            guard copy.at < bytes.count, bytes[copy.at] == byte else { return nil }
            copy.at += 1
        }
        return copy
    }

    mutating func skippingByte(_ character: Unicode.Scalar) -> Bool {
        guard at < bytes.count, bytes[at] == UInt8(ascii: character) else { return false }
        at += 1
        return true
    }

    mutating func skippingLowercaseLetter() -> Bool {
        guard at < bytes.count, bytes[at] >= UInt8(ascii: "a"), bytes[at] <= UInt8(ascii: "z") else { return false }
        at += 1
        return true
    }

    /// One or more ASCII digits (RE2's `\d`).
    mutating func skippingDigits() -> Bool {
        let start = at
        while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { at += 1 }
        return at > start
    }

    /// `\d+$`: one or more digits and nothing after them.
    var digitsToEnd: Bool {
        var copy = self
        return copy.skippingDigits() && copy.at == bytes.count
    }
}
