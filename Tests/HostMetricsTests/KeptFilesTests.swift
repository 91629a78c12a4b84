import Testing

@testable import HostMetrics

/// Per-pass kernel files kept open, on the real /proc and on a fixture tree.
@Suite struct KeptFilesTests {
    @Test func kernelFilesAreKeptAndReadAfresh() throws {
        let files = KeptFiles(FileTree(root: "/proc"))
        let first = try Uptime.parse(try files.read("uptime")).seconds
        #expect(files.keptCount == 1)
        // uptime moves on every read: the same descriptor, read again from offset 0, is generated anew.
        var later = first
        while later == first { later = try Uptime.parse(try files.read("uptime")).seconds }
        #expect(later > first)
        #expect(files.keptCount == 1)
        #expect(try files.readIfPresent("no-such-file") == nil)
        #expect(throws: FileError.self) { try files.read("no-such-file") }
    }

    @Test func plainFilesAreNotKept() throws {
        let files = KeptFiles(Fixtures.host.proc)
        #expect(try files.read("meminfo") == (try Fixtures.bytes("host/proc/meminfo")))
        #expect(files.keptCount == 0)
        #expect(KeptFiles.isKernelGenerated("/proc/stat") && KeptFiles.isKernelGenerated("/sys/block"))
        #expect(!KeptFiles.isKernelGenerated("/etc/passwd") && !KeptFiles.isKernelGenerated("/processes"))
    }
}
