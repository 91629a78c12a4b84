import API
import Foundation
import Testing

@testable import HostMetrics

/// The agent's own process_* families, on the test process's real /proc/self.
@Suite struct ExporterTests {
    static let limits = """
        Limit                     Soft Limit           Hard Limit           Units     
        Max cpu time              unlimited            unlimited            seconds   
        Max open files            1024                 1048576              files     
        Max address space         unlimited            unlimited            bytes     
        Max realtime timeout      unlimited            unlimited            us        

        """

    @Test func limitsParse() throws {
        #expect(try ProcLimits.parse(Array(Self.limits.utf8)) == ProcLimits(openFiles: 1024, addressSpaceBytes: UInt64.max))
        let capped = Self.limits.replacingOccurrences(of: "Max address space         unlimited", with: "Max address space         4294967296")
        #expect(try ProcLimits.parse(Array(capped.utf8)).addressSpaceBytes == 4_294_967_296)
        #expect(throws: ParseError.self) { try ProcLimits.parse(Array("Limit Soft\nMax cpu time unlimited\n".utf8)) }
        #expect(throws: ParseError.self) {
            try ProcLimits.parse(Array(Self.limits.replacingOccurrences(of: "1024 ", with: "lots ").utf8))
        }
    }

    @Test func statusGivesTheDescriptorTableSize() throws {
        #expect(try PIDStatus.fdTableSize(Array("Name:\tx\nUid:\t0\t0\t0\t0\nFDSize:\t256\nGroups:\n".utf8)) == 256)
        #expect(throws: ParseError.self) { try PIDStatus.fdTableSize(Array("Name:\tx\n".utf8)) }
    }

    @Test func statGivesTheVirtualSize() throws {
        let line = "42 (a) (b) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 500 123456789 300 18446744073709551615\n"
        let stat = try PIDStat.parse(Array(line.utf8))
        #expect(stat.vsizeBytes == 123_456_789 && stat.rssPages == 300 && stat.startTicks == 500)
    }

    func collect(_ collector: ExporterCollector) throws -> MetricSamples {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
        try collector.collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        return try #require(snapshot.section("exporter", as: MetricSamples.self))
    }

    /// The test process's own stat fields, split at the last ")" as proc(5) says, counted from 3 (state).
    static func ownStat() throws -> [Substring] {
        let text = try String(contentsOfFile: "/proc/self/stat", encoding: .utf8)
        return text[text.index(after: text.lastIndex(of: ")")!)...].split(separator: " ")
    }

    static func statusKilobytes(_ field: String) throws -> Double {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(field + ":") })
        return try #require(Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }

    /// /proc/self/fd's entries, as client_golang counts them (its listing's own descriptor among them).
    static func listedDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return -1 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { count += 1 }
        }
        return count
    }

    /// Linux 6.2 and later give /proc/PID/fd's size as the number of open descriptors.
    static var kernelCountsDescriptorsInSize: Bool {
        let version = ((try? Uname.current())?.release ?? "").split(separator: ".").prefix(2).compactMap { Int($0.prefix { $0.isNumber }) }
        return version.count == 2 && (version[0], version[1]) >= (6, 2)
    }

    /// Values as client_golang computes them, checked against what the test reads itself; values that
    /// move (memory, descriptors, while other tests run in parallel) are compared once a reading before
    /// and one after agree.
    @Test func valuesMatchTheTestProcessOwnProc() throws {
        let collector = ExporterCollector(ticksPerSecond: KernelConstants.ticksPerSecond, pageSize: KernelConstants.pageSize)
        _ = try collect(collector)  // the kept descriptors are open from here on, as in the agent
        var settled = false
        for _ in 0..<50 where !settled {
            let before = try Self.ownStat()
            let fdsBefore = Self.listedDescriptors()
            let vmSizeBefore = try Self.statusKilobytes("VmSize")
            let samples = try collect(collector)
            let vmSizeAfter = try Self.statusKilobytes("VmSize")
            let fdsAfter = Self.listedDescriptors()
            let after = try Self.ownStat()
            let ticks = { (fields: [Substring]) in Double(fields[11])! + Double(fields[12])! }  // utime, stime
            let cpu = try #require(samples.value("process_cpu_seconds_total"))
            #expect(cpu >= ticks(before) / 100 && cpu <= ticks(after) / 100)
            let bootTime = try #require(
                try String(contentsOfFile: "/proc/stat", encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("btime ") }
                    .flatMap { Double($0.dropFirst(6)) })
            #expect(samples.value("process_start_time_seconds") == bootTime + Double(before[19])! / 100)
            var limit = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            #expect(samples.value("process_max_fds") == Double(limit.rlim_cur))
            getrlimit(Int32(RLIMIT_AS.rawValue), &limit)
            #expect(samples.value("process_virtual_memory_max_bytes") == Double(limit.rlim_cur))
            let resident = try #require(samples.value("process_resident_memory_bytes"))
            let vmRSS = try Self.statusKilobytes("VmRSS") * 1024
            // stat's rss is the kernel's per-CPU estimate of status's VmRSS (what client_golang reads).
            #expect(abs(resident - vmRSS) < max(4_194_304.0, vmRSS / 10), "\(resident) against VmRSS \(vmRSS)")
            guard fdsBefore == fdsAfter, vmSizeBefore == vmSizeAfter, before[20] == after[20] else { continue }
            // Other tests run in this process at the same time and may open a file and close it again between
            // the two readings: a reading that differs is tried again; one must agree exactly.
            // The listing counts its own descriptor; the collector's count has no such extra.
            // Both ways of counting: the directory's size (from Linux 6.2; none before) and the poll.
            let table = try PIDStatus.fdTableSize(try FileTree(root: "/proc").read("self/status"))
            let counts = (ExporterCollector.countBySize(of: "/proc/self/fd"), collector.countByPolling(tableSize: table))
            guard samples.value("process_open_fds") == Double(fdsBefore - 1),
                counts.0 == (Self.kernelCountsDescriptorsInSize ? fdsBefore - 1 : nil), counts.1 == fdsBefore - 1,
                Self.listedDescriptors() == fdsBefore,
                samples.value("process_virtual_memory_bytes") == vmSizeBefore * 1024,
                samples.value("process_virtual_memory_bytes") == Double(before[20])!
            else { continue }
            settled = true
        }
        #expect(settled, "the test process's descriptors and memory never held still for one reading")
    }

    /// What the agent's /metrics shows: client_golang's names and types.
    @Test func familiesRenderWithClientGolangNamesAndTypes() throws {
        var set = MetricSet()
        try collect(ExporterCollector(ticksPerSecond: 100, pageSize: 4096)).addMetrics(to: &set)
        let page = String(decoding: set.renderText(), as: UTF8.self)
        for (name, type) in [
            ("process_cpu_seconds_total", "counter"), ("process_max_fds", "gauge"), ("process_open_fds", "gauge"),
            ("process_resident_memory_bytes", "gauge"), ("process_start_time_seconds", "gauge"),
            ("process_virtual_memory_bytes", "gauge"), ("process_virtual_memory_max_bytes", "gauge"),
        ] {
            #expect(page.contains("# TYPE \(name) \(type)\n\(name) "), "\(name)")
        }
        #expect(set.sortedFamilies.count == 7)
    }
}
