import API

/// Signs that the agent is looking at a container instead of the host it is meant to watch: the trap of
/// every host agent started in a container without the host's /proc, whose numbers are then quietly the
/// container's. Run once at start-up; each finding says what is wrong and what to mount or set.
public enum HostViewCheck {
    public static func warnings(roots: HostRoots, memory: MemorySample?, cgroup: CgroupSample?) -> [String] {
        var warnings: [String] = []
        // Kernel threads (kthreadd is PID 2) are visible only from the host's PID namespace. A PROC_ROOT
        // without a PID 1 is not a /proc at all, which the collectors' own errors already say.
        let stat = (try? roots.proc.read("2/stat")).map { ByteFields.text($0[...]) } ?? ""
        if roots.proc.exists("1/stat") && !stat.contains("(kthreadd)") {
            warnings.append(
                "PROC_ROOT=\(roots.proc.root) shows a PID namespace of its own (no kernel threads): processes are a "
                    + "container's, not the host's; run in the host's PID namespace or mount the host's /proc "
                    + "and set PROC_ROOT to it")
        }
        if let counted = try? NetDev.parse(try NetworkCollector.readHostNetDev(roots.proc)).interfaces.map(\.name),
            // Devices only: the bonding driver adds a plain file, bonding_masters, beside them.
            let devices = try? roots.sys.list("class/net").filter({ roots.sys.exists("class/net/\($0)/ifindex") }),
            !devices.isEmpty, Set(counted) != Set(devices)
        {
            warnings.append(
                "SYS_ROOT=\(roots.sys.root) shows network devices (\(devices.sorted().joined(separator: ", "))) other "
                    + "than those counted from PROC_ROOT (\(counted.sorted().joined(separator: ", "))): one of them is a "
                    + "container's network namespace; mount the host's /sys and /proc, or use host networking")
        }
        if let limit = cgroup?.memoryLimitBytes, let total = memory?.totalBytes, total > 0 {
            if Double(total) <= Double(limit) * 1.05 {
                warnings.append(
                    "/proc/meminfo shows \(mebibytes(total)), the agent's own cgroup limit: memory figures are a "
                        + "container's (lxcfs?), not the host's; mount the host's /proc and set PROC_ROOT to it")
            } else if limit < total / 2 {
                warnings.append(
                    "the agent's cgroup is limited to \(mebibytes(limit)) of the host's \(mebibytes(total)): a "
                        + "container or unit limit; host figures remain the host's, the agent's own are under cgroup")
            }
        }
        return warnings
    }

    static func mebibytes(_ bytes: UInt64) -> String { "\(bytes >> 20) MiB" }
}
