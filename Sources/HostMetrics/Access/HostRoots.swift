/// Where the host's /proc, /sys and root filesystem are: `/proc`, `/sys`, `/` normally, `/host/...` in a
/// container watching its host, fixture trees in tests.
public struct HostRoots: Sendable {
    public let proc: FileTree
    public let sys: FileTree
    public let rootfs: FileTree

    public init(proc: String = "/proc", sys: String = "/sys", rootfs: String = "/") {
        self.proc = FileTree(root: proc)
        self.sys = FileTree(root: sys)
        self.rootfs = FileTree(root: rootfs)
    }
}
