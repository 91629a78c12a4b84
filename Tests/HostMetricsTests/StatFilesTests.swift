import Foundation
import Testing

@testable import HostMetrics

/// The process scan's kept /proc/PID/stat descriptors, on the real /proc.
@Suite struct StatFilesTests {
    @Test func aKeptDescriptorFollowsItsProcessAndIsClosedWhenItExits() throws {
        OpenFileLimit.raise()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        try child.run()
        let pid = child.processIdentifier
        let files = StatFiles(proc: FileTree(root: "/proc"))
        let first = try #require(files.stat(pid))
        #expect(first.pid == pid)
        #expect(files.openCount == 1, "kept open for the next pass")
        #expect(files.stat(pid)?.startTicks == first.startTicks)
        #expect(files.openCount == 1, "read again through the same descriptor")
        kill(pid, SIGKILL)  // not SIGTERM: the test runner ignores it, and its children inherit that
        child.waitUntilExit()
        // Reaped: the descriptor answers ESRCH, is closed, and the path is gone too.
        #expect(files.stat(pid) == nil)
        #expect(files.openCount == 0)

        _ = files.stat(1)
        files.keep(only: [])
        #expect(files.openCount == 0, "a process the listing no longer shows is let go")
    }

    @Test func fixtureTreesAreReadAfreshEachTime() {
        let files = StatFiles(proc: Fixtures.host.proc)
        #expect(files.stat(1)?.pid == 1)
        #expect(files.openCount == 0)
        #expect(files.stat(999_999) == nil, "the vanished PID's directory has no stat")
    }
}
