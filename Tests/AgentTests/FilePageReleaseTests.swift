import HostMetrics
import Testing

@testable import Agent

/// Which mappings and files FilePageRelease may let go of, on smaps captured from the agent, and when it
/// runs.
@Suite struct FilePageReleaseTests {
    static func smaps(_ name: String) throws -> PIDSmaps {
        let file = #filePath
        let path = String(file[..<file.lastIndex(of: "/")!]) + "/../HostMetricsTests/Fixtures/smaps/" + name
        return try PIDSmaps.parse(try FileTree.readFile(path))
    }

    @Test func releasesOnlyReadOnlyFilePagesWithoutPrivateCopies() throws {
        let smaps = try Self.smaps("agent-pull-only")
        let chosen = FilePageRelease.releasable(smaps)
        #expect(chosen.count == 20)
        #expect(chosen.reduce(0) { $0 + $1.rssKiB } == 14132)
        #expect(chosen.allSatisfy { $0.isFileBacked && !$0.isWritable && $0.anonymousKiB == 0 })
        // Never anonymous memory, the stack, the kernel's pages or a RELRO segment.
        #expect(!chosen.contains { $0.path.isEmpty || $0.path.hasPrefix("[") })
        #expect(smaps.mappings.contains { $0.path == "/tmp/t1/a-none" && $0.permissions == "r--p" && $0.anonymousKiB > 0 })
        #expect(!chosen.contains { $0.path == "/tmp/t1/a-none" && $0.permissions == "r--p" })
        #expect(chosen.contains { $0.path == "/tmp/t1/a-none" && $0.permissions == "r-xp" })
    }

    @Test func pagesOutTheCleanPagesOfWritableMappings() throws {
        let chosen = FilePageRelease.pageable(try Self.smaps("agent-pull-only"))
        // The binary's data segment (1284 KiB resident, 196 of them written) and each library's .data.
        #expect(chosen.allSatisfy { $0.isWritable && $0.isPrivate && $0.isFileBacked && $0.rssKiB > $0.anonymousKiB })
        let binary = try #require(chosen.first { $0.path == "/tmp/t1/a-none" })
        #expect(binary.rssKiB == 1284 && binary.anonymousKiB == 196)
        // Fully written mappings (a library's .data of one page, written) have nothing clean to give.
        #expect(!chosen.contains { $0.rssKiB == $0.anonymousKiB })
        #expect(!chosen.contains { $0.path.isEmpty || $0.path.hasPrefix("[") })
    }

    @Test func dropsThePageCacheOfFilesNoOtherProcessMaps() throws {
        // glibc, libstdc++ and the rest are mapped by other processes too: their cache is theirs as well.
        #expect(FilePageRelease.onlyOurs(try Self.smaps("agent-pull-only")) == ["/tmp/t1/a-none"])
        // A deleted binary's path names no file (or another one): left alone.
        #expect(FilePageRelease.onlyOurs(try Self.smaps("agent-deleted-binary")).isEmpty)
    }

    @Test func runsAMinuteAfterStartThenEveryInterval() {
        var schedule = FilePageReleaseSchedule(interval: 600, startedAt: 1000)
        // A pass that ran late (a stopped process, a suspended VM: 5000) does not release twice to catch up.
        let times: [Double] = [1000, 1059.9, 1060, 1061, 1659, 1660, 5000, 5001, 5599, 5600]
        let due = times.map { schedule.due(at: $0) }
        #expect(due == [false, false, true, false, false, true, true, false, false, true])
    }

    @Test func aShortIntervalStartsSoonerAndZeroNever() {
        var short = FilePageReleaseSchedule(interval: 2, startedAt: 0)
        let due = [1.9, 2, 3.9, 4].map { short.due(at: $0) }
        #expect(due == [false, true, false, true])
        var never = FilePageReleaseSchedule(interval: 0, startedAt: 0)
        let neverDue = [0, 60, 1e6].map { never.due(at: $0) }
        #expect(neverDue == [false, false, false])
    }

    @Test func thePageCacheGoesAgainAtDoublingGapsForTwoMinutes() {
        var followUp = PageCacheFollowUp(releasedAt: 100)
        // Passes every 5 s: drops 5, 10, 20, 40 and 80 s after the release, then none.
        let times = stride(from: 105.0, through: 300, by: 5)
        let dropped = times.filter { followUp.due(at: $0) }
        #expect(dropped == [105, 110, 120, 140, 180])
        #expect(followUp.finished)
    }

    @Test func aLatePassDropsOnceAndTheGapsGoOnFromTheRelease() {
        var followUp = PageCacheFollowUp(releasedAt: 0)
        // A pass 50 s late (a stopped process) drops once, not once per gap it missed.
        let due = [4.9, 55, 56, 79.9, 80, 119, 160].map { followUp.due(at: $0) }
        #expect(due == [false, true, false, false, true, false, false])
        #expect(followUp.finished)
    }
}
