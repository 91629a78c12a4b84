import Foundation
import Testing

@testable import HostMetrics

/// The mount table generated again only when the kernel marks it changed; fixture files read each time.
@Suite struct WatchedMountTableTests {
    @Test func anUnchangedTableIsNotGeneratedAgain() throws {
        let table = WatchedMountTable(FileTree(root: "/proc"), candidates: ["self/mounts"])
        let first = try table.read()
        #expect(first.count > 0 && table.reads == 1)
        // Other tests in this process mount and unmount tmpfs at the same time: a read that was generated
        // again is tried once more; with nothing mounted in between, one must come from the last.
        var reused = false
        for _ in 0..<50 where !reused {
            let before = table.reads
            let bytes = try table.read()
            let current = try FileTree(root: "/proc").read("self/mounts")
            reused = table.reads == before && bytes == current
        }
        #expect(reused)
    }

    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs")) func aMountAndAnUnmountAreSeenAtTheNextRead() throws {
        let table = WatchedMountTable(FileTree(root: "/proc"), candidates: ["self/mounts"])
        _ = try table.read()
        let point = NSTemporaryDirectory() + "shelteragent-watched-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: point) }
        #expect(mount("tmpfs", point, "tmpfs", 0, "size=64k") == 0, "mount: \(String(cString: strerror(errno)))")
        var mounted = true
        defer { if mounted { umount2(point, Int32(MNT_DETACH)) } }
        let reads = table.reads
        #expect(String(decoding: try table.read(), as: UTF8.self).contains(" \(point) tmpfs "))
        #expect(table.reads == reads + 1)
        #expect(umount2(point, 0) == 0)
        mounted = false
        #expect(!String(decoding: try table.read(), as: UTF8.self).contains(" \(point) "))
        #expect(table.reads == reads + 2)
    }

    @Test func aFixtureTableIsReadEachTimeAndTheFallbackServesWhenTheFirstIsMissing() throws {
        let tree = Fixtures.host.proc
        let table = WatchedMountTable(tree, candidates: ["no-such-pid/mounts", "1/mounts"])
        let expected = try tree.read("1/mounts")
        #expect(try table.read() == expected)
        #expect(try table.read() == expected)
        #expect(table.reads == 2)
        #expect(throws: FileError.self) { try WatchedMountTable(tree, candidates: ["no-such-pid/mounts"]).read() }
    }
}
