import Foundation
import Testing

@testable import HostMetrics

/// /proc listed again only when loadavg's task count or last PID moved; fixture trees every time.
@Suite struct ProcessListingTests {
    @Test func theMarkerIsTheTaskCountAndTheLastPID() throws {
        let captured = try Fixtures.bytes("host/proc/loadavg")
        #expect(ProcessListing.marker(captured).map { Array($0) } == Array("91 5881\n".utf8))
        #expect(ProcessListing.marker(Array("0.00 0.01 0.05".utf8)) == nil)
    }

    @Test func aListingIsReusedUntilAProcessComes() throws {
        let listing = ProcessListing(proc: FileTree(root: "/proc"))
        let first = listing.pids()
        #expect(first.contains(getpid()) && listing.listings == 1)
        // Other tests in this process start threads and processes at the same time: a call that listed
        // again is tried once more; with nothing started in between, one must reuse the last listing.
        var reused = false
        for _ in 0..<50 where !reused {
            let before = listing.listings
            _ = listing.pids()
            reused = listing.listings == before
        }
        #expect(reused, "never two calls without a process or thread starting between them")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        try child.run()
        defer { child.terminate() }
        #expect(listing.pids().contains(child.processIdentifier))
    }

    @Test func aFixtureTreeIsListedEachTime() throws {
        let listing = ProcessListing(proc: Fixtures.host.proc)
        let expected = try Fixtures.host.proc.list("").compactMap { Int32($0) }.filter { $0 > 0 }
        #expect(listing.pids().sorted() == expected.sorted())
        #expect(listing.pids().sorted() == expected.sorted())
        #expect(listing.listings == 2)
    }
}
