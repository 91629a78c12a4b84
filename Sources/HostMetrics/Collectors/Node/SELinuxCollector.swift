import API

/// node_exporter's `selinux`: whether SELinux is on and, when it is, the mode its config asks for and the
/// mode the kernel enforces. SELinux counts as on, as in go-selinux, when selinuxfs is mounted at
/// /sys/fs/selinux and this process's security context is not the "kernel" one of a policy never loaded.
public final class SELinuxCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "selinux",
        reads: ["sys/fs/selinux/enforce", "proc/self/attr/current", "rootfs/etc/selinux/config"],
        exports: ["node_selinux_enabled", "node_selinux_config_mode", "node_selinux_current_mode"])

    public static func make(_ context: CollectorContext) -> any Collector {
        SELinuxCollector(roots: context.roots)
    }

    static let enabled = MetricDescriptor("node_selinux_enabled", .gauge, "Whether SELinux is enabled (1) or not (0).")
    static let configMode = MetricDescriptor(
        "node_selinux_config_mode", .gauge, "SELinux mode /etc/selinux/config asks for: 1 enforcing, 0 permissive, -1 disabled.")
    static let currentMode = MetricDescriptor(
        "node_selinux_current_mode", .gauge, "SELinux mode the kernel enforces: 1 enforcing, 0 permissive.")

    private let sys: KeptFiles
    private let proc: FileTree
    private let rootfs: FileTree

    public init(roots: HostRoots) {
        self.sys = KeptFiles(roots.sys)
        self.proc = roots.proc
        self.rootfs = roots.rootfs
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        let enforceFile = "fs/selinux/enforce"
        guard let enforce = try sys.readIfPresent(enforceFile), !loadedNoPolicy() else {
            samples.add(Self.enabled, [], 0)
            return snapshot.setSection(name, samples)
        }
        samples.add(Self.enabled, [], 1)
        let config = try rootfs.readIfPresent("etc/selinux/config").map(SELinuxConfig.parse) ?? SELinuxConfig(mode: nil)
        samples.add(Self.configMode, [], config.modeNumber)
        samples.add(Self.currentMode, [], try SingleNumber.parse(enforce, file: "sys/" + enforceFile).value)
        snapshot.setSection(name, samples)
    }

    /// A kernel with SELinux but no policy gives every process the "kernel" context; any error reading it
    /// (no such file, EINVAL without an LSM) leaves SELinux counted as on, as go-selinux does.
    private func loadedNoPolicy() -> Bool {
        guard let context = try? proc.read("self/attr/current") else { return false }
        return context.prefix { $0 != 0 && $0 != ByteFields.newline } == Array("kernel".utf8)[...]
    }
}
