#if canImport(Glibc)
    import Glibc
#endif

/// The PIDs under /proc, listed again only when a process may have come or gone since the last listing.
///
/// Listing /proc makes the kernel look up (or build) an entry for every process, which in the running
/// agent was 6 % of a pass, as much as the next costliest collector. /proc/loadavg ends with the number
/// of tasks and the PID last handed out (proc(5)): a new process takes a new PID, and one that exits takes
/// a task away, so while both read the same as at the last listing, the listing is still the one there is.
/// Those numbers are the reader's PID namespace's, so they stand for the tree only when the agent sees
/// itself in it under its own PID; a fixture tree or another namespace's /proc is listed every time.
final class ProcessListing {
    private let proc: FileTree
    private let loadavg: KeptFiles
    private let markerStandsForTree: Bool
    private var last: (marker: ArraySlice<UInt8>, pids: [Int32])?
    /// How many times /proc was listed: for tests.
    private(set) var listings = 0

    init(proc: FileTree) {
        self.proc = proc
        self.loadavg = KeptFiles(proc)
        markerStandsForTree = KeptFiles.isKernelGenerated(proc.path("loadavg")) && Self.ownPID(in: proc) == getpid()
    }

    /// Every process's PID; empty when /proc cannot be listed.
    func pids() -> [Int32] {
        // The marker is read before the listing: a process made in between is in the listing, and moves
        // the marker away from the one kept, so the next call lists again.
        let marker = markerStandsForTree ? (try? loadavg.read("loadavg")).flatMap(Self.marker) : nil
        if let marker, let last, last.marker == marker { return last.pids }
        listings += 1
        guard let names = try? proc.list("") else {
            last = nil
            return []
        }
        let pids = names.compactMap { name in Int32(name).flatMap { $0 > 0 ? $0 : nil } }
        last = marker.map { ($0, pids) }
        return pids
    }

    /// loadavg's "tasks last-PID": what follows the "/" of its fourth field ("running/tasks"); the count
    /// running moves all the time and says nothing of processes coming or going.
    static func marker(_ loadavg: [UInt8]) -> ArraySlice<UInt8>? {
        guard let slash = loadavg.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        return loadavg[(slash + 1)...]
    }

    /// The PID that the tree's `self` names: the agent's own in that tree's namespace.
    private static func ownPID(in proc: FileTree) -> Int32? {
        var target = [CChar](repeating: 0, count: 32)
        let count = readlink(proc.path("self"), &target, target.count - 1)
        guard count > 0 else { return nil }
        return Int32(String(decoding: target[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
