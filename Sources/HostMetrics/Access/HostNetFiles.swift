/// The files under /proc/net follow the reader's network namespace, so a containerised agent would count
/// its own sockets. Like `NetworkCollector.readHostNetDev`, these read PID 1's view (`1/net/…`), the
/// host's whenever PROC_ROOT shows the host's processes, and fall back to the agent's own (`net/…`) where
/// PID 1 cannot be read (hidepid, ProtectProc) or has no such file. node_exporter reads `net/…`, its own
/// view: the same on a host, the host's in a container only with host networking.
enum HostNetFiles {
    /// `nil` when neither view has the file (IPv6 disabled, nf_conntrack not loaded).
    static func readIfPresent(_ proc: KeptFiles, _ name: String) throws(FileError) -> [UInt8]? {
        do {
            if let bytes = try proc.readIfPresent("1/net/" + name) { return bytes }
        } catch where error.isPermissionDenied {}
        return try proc.readIfPresent("net/" + name)
    }
}
