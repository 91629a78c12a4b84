import Testing

@testable import HostMetrics

/// /proc/PID/smaps as captured from the agent: one while its binary was deleted under it (as after an
/// upgrade that has not restarted it), with the kernel's special mappings ([vvar], [vdso], [vsyscall]).
@Suite struct SmapsTests {
    @Test func readsEveryMappingWithItsPagesAndPath() throws {
        let smaps = try PIDSmaps.parse(try Fixtures.bytes("smaps/agent-deleted-binary"))
        #expect(smaps.mappings.count == 69)
        #expect(smaps.rssKiB == 17060)
        let text = smaps.mappings[0]
        #expect(text.path == "/tmp/t1/a-del (deleted)" && text.isDeleted && text.isFileBacked)
        #expect(text.permissions == "r-xp" && !text.isWritable)
        #expect(text.start == 0x5625_af20_8000 && text.end == 0x5625_b02b_0000 && text.inode == 16_285_781)
        #expect(text.rssKiB == 10624 && text.anonymousKiB == 0 && text.sharedKiB == 0)
        // The binary's RELRO segment: read-only now, but every page a private copy made by relocation.
        let relro = smaps.mappings[1]
        #expect(relro.permissions == "r--p" && relro.rssKiB == 400 && relro.anonymousKiB == 400)
        #expect(smaps.mappings[2].isWritable)
        let libc = try #require(smaps.mappings.first { $0.path.hasSuffix("/libc.so.6") && $0.permissions == "r-xp" })
        #expect(libc.rssKiB == 1072 && libc.sharedKiB > 0 && !libc.isDeleted)
        let special = smaps.mappings.filter { $0.path.hasPrefix("[") }.map(\.path)
        #expect(special == ["[heap]", "[vvar]", "[vvar_vclock]", "[vdso]", "[stack]", "[vsyscall]"])
        #expect(!smaps.mappings.contains { $0.path.hasPrefix("[") && $0.isFileBacked })
        #expect(smaps.mappings.filter { $0.path.isEmpty }.allSatisfy { $0.inode == 0 && !$0.isFileBacked })
    }

    @Test func refusesWhatIsNotSmaps() throws {
        #expect(throws: ParseError.self) { try PIDSmaps.parse(Array("Rss: 4 kB\n".utf8)) }
        #expect(throws: ParseError.self) { try PIDSmaps.parse(Array("7f00-7f10 r-xp zz 00:00 0\n".utf8)) }
        #expect(throws: ParseError.self) { try PIDSmaps.parse(Array("MemTotal 1 kB\n".utf8)) }
        #expect(try PIDSmaps.parse([]).mappings.isEmpty)
    }
}
