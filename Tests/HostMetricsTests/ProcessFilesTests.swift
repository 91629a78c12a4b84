import Foundation
import Testing

@testable import HostMetrics

/// The process scan's kept /proc/PID descriptors, on the real /proc.
@Suite struct ProcessFilesTests {
    /// A python3 that sleeps with `extra` left unread in its argv, returned once it has said it is running:
    /// until exec has finished, /proc/PID/cmdline may still read empty.
    static func sleeper(_ extra: [String] = []) throws -> (process: Process, cmdline: [String]) {
        let process = Process(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        let arguments = ["-c", "import time; print('ready', flush=True); time.sleep(30)"] + extra
        process.arguments = arguments
        process.standardOutput = output
        try process.run()
        _ = output.fileHandleForReading.readData(ofLength: 6)
        return (process, ["/usr/bin/python3"] + arguments)
    }

    static func stop(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)  // not SIGTERM: the test runner ignores it, and so do its children
        process.waitUntilExit()
    }

    @Test func keptDescriptorsFollowTheirProcessAndAreClosedWhenItExits() throws {
        OpenFileLimit.raise()
        let (child, arguments) = try Self.sleeper()
        let pid = child.processIdentifier
        let files = ProcessFiles(proc: FileTree(root: "/proc"))
        let first = try PIDStat.parse(try #require(files.read(pid, .stat)))
        #expect(first.pid == pid)
        #expect(files.openCount == 1, "kept open for the next pass")
        #expect(try PIDStat.parse(try #require(files.read(pid, .stat))).startTicks == first.startTicks)
        #expect(files.openCount == 1, "read again through the same descriptor")
        #expect(try PIDStatm.parse(try #require(files.read(pid, .statm))).residentPages > 0)
        #expect(PIDCmdline.parse(Array(try #require(files.read(pid, .cmdline)))).arguments == arguments)
        #expect(files.openCount == 3, "details of a process whose stat is kept are kept too")
        files.keepDetails(only: [])
        #expect(files.openCount == 1, "a process that left the table keeps only its stat")
        _ = files.read(pid, .statm)
        Self.stop(child)
        // Reaped: the descriptors answer ESRCH, all of the PID's are closed, and the path is gone too.
        #expect(files.read(pid, .statm) == nil)
        #expect(files.openCount == 0)
        #expect(files.read(pid, .stat) == nil)
        #expect(files.openCount == 0)

        _ = files.read(1, .stat)
        files.keep(only: [])
        #expect(files.openCount == 0, "a process the listing no longer shows is let go")
    }

    @Test func schedstatIsKeptWithStatWhateverTheTableShows() throws {
        let files = ProcessFiles(proc: FileTree(root: "/proc"))
        #expect(!files.keeps(2))
        _ = try #require(files.read(2, .stat))  // kthreadd
        #expect(files.keeps(2))
        let line = String(decoding: try #require(files.read(2, .schedstat)), as: UTF8.self)
        #expect(line.split(separator: " ").count == 3, "\(line)")
        #expect(files.openCount == 2)
        files.keepDetails(only: [])
        #expect(files.openCount == 2, "schedstat is the scan's, not a detail of the table's")
    }

    @Test func aLongCommandLineIsReadWhole() throws {
        let (child, arguments) = try Self.sleeper([String(repeating: "x", count: 10_000)])
        defer { Self.stop(child) }
        let files = ProcessFiles(proc: FileTree(root: "/proc"))
        _ = files.read(child.processIdentifier, .stat)
        let cmdline = try #require(files.read(child.processIdentifier, .cmdline))
        #expect(PIDCmdline.parse(Array(cmdline)).arguments == arguments)
        let again = try #require(files.read(child.processIdentifier, .cmdline))
        #expect(again.count == cmdline.count, "re-read whole through the kept descriptor")
    }

    @Test func fixtureTreesAreReadAfreshEachTime() {
        let files = ProcessFiles(proc: Fixtures.host.proc)
        #expect(files.read(1, .stat) != nil)
        #expect(files.read(1, .statm) != nil)
        #expect(files.openCount == 0)
        #expect(files.read(999_999, .stat) == nil, "the vanished PID's directory has no stat")
    }
}
