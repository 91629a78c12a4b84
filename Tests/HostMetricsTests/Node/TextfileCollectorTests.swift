import API
import Foundation
import Logging
import Testing

@testable import HostMetrics

/// The textfile collector on real directories of literal files.
@Suite struct TextfileCollectorTests {
    /// A fresh directory under the system's temporary one, removed when the test ends.
    final class TextfileDirectory {
        let path: String

        init() throws {
            path = NSTemporaryDirectory() + "textfile-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        }

        func mtime(_ name: String) throws -> Int {
            let date = try #require(try FileManager.default.attributesOfItem(atPath: path + "/" + name)[.modificationDate] as? Date)
            return Int(date.timeIntervalSince1970.rounded(.down))
        }
    }

    static let good = #"""
        # HELP backup_age_seconds Seconds since the last backup.
        # TYPE backup_age_seconds gauge
        backup_age_seconds{job="files"} 30
        backup_age_seconds{job="db",target="s3"} 120
        # TYPE jobs_run counter
        jobs_run 7
        # TYPE rpc_seconds summary
        rpc_seconds{quantile="0.99"} 1.5
        rpc_seconds{quantile="0.5"} 0.25
        rpc_seconds_sum 17.5
        rpc_seconds_count 40
        # HELP size_bytes Sizes.
        # TYPE size_bytes histogram
        size_bytes_bucket{le="1000000"} 3
        size_bytes_bucket{le="100"} 1
        size_bytes_sum 900
        size_bytes_count 5
        label_info{path="C:\\dir",say="\"hi\"",city="Zürich ✓"} 1

        """#

    static func tail(_ scrapeError: Int) -> String {
        """
        # HELP node_textfile_scrape_error 1 if a textfile or its directory could not be read or parsed, else 0.
        # TYPE node_textfile_scrape_error gauge
        node_textfile_scrape_error \(scrapeError)

        """
    }

    static func mtimeFamily(_ files: [(String, Int)]) -> String {
        "# HELP node_textfile_mtime_seconds When each textfile read successfully was last modified, in unixtime.\n"
            + "# TYPE node_textfile_mtime_seconds gauge\n"
            + files.map { "node_textfile_mtime_seconds{file=\"\($0.0)\"} \($0.1)\n" }.joined()
    }

    func pass(_ collector: TextfileCollector) throws -> TextfileSection {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
        try collector.collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        return try #require(snapshot.section("textfile", as: TextfileSection.self))
    }

    func collector(_ directory: TextfileDirectory, _ log: LogCapture = LogCapture()) -> TextfileCollector {
        TextfileCollector(directory: directory.path, logger: Logger(label: "test") { _ in log })
    }

    /// The file's families render with its own HELP and TYPE, labels a series lacks as "", series and
    /// quantiles and buckets sorted, a histogram's +Inf bucket added: what node_exporter 1.5.0 shows.
    @Test func goodFileRendersAsNodeExporterShowsIt() throws {
        let directory = try TextfileDirectory()
        try directory.write("good.prom", Self.good)
        let file = directory.path + "/good.prom"
        let section = try pass(collector(directory))
        let expected = """
            # HELP backup_age_seconds Seconds since the last backup.
            # TYPE backup_age_seconds gauge
            backup_age_seconds{job="db",target="s3"} 120
            backup_age_seconds{job="files",target=""} 30
            # HELP jobs_run Read from textfile \(file).
            # TYPE jobs_run counter
            jobs_run 7
            # HELP label_info Read from textfile \(file).
            # TYPE label_info untyped
            label_info{city="Zürich ✓",path="C:\\\\dir",say="\\"hi\\""} 1

            """ + Self.mtimeFamily([(file, try directory.mtime("good.prom"))]) + Self.tail(0) + """
            # HELP rpc_seconds Read from textfile \(file).
            # TYPE rpc_seconds summary
            rpc_seconds{quantile="0.5"} 0.25
            rpc_seconds{quantile="0.99"} 1.5
            rpc_seconds_sum 17.5
            rpc_seconds_count 40
            # HELP size_bytes Sizes.
            # TYPE size_bytes histogram
            size_bytes_bucket{le="100"} 1
            size_bytes_bucket{le="1e+06"} 3
            size_bytes_bucket{le="+Inf"} 5
            size_bytes_sum 900
            size_bytes_count 5

            """
        #expect(section.rendered() == expected)
    }

    /// In OpenMetrics a counter without `_total` keeps its name, declared `unknown`; one with it is a counter.
    @Test func counterWithoutTotalKeepsItsNameInOpenMetrics() throws {
        let directory = try TextfileDirectory()
        try directory.write("jobs.prom", "# TYPE jobs_run counter\njobs_run 7\n# TYPE done_total counter\ndone_total 1\n")
        var set = MetricSet()
        try pass(collector(directory)).addMetrics(to: &set)
        let page = String(decoding: set.renderOpenMetrics(), as: UTF8.self)
        #expect(page.contains("# TYPE jobs_run unknown\njobs_run 7\n"))
        #expect(page.contains("# TYPE done counter\ndone_total 1\n"))
    }

    /// A broken file is left out and reported (scrape error 1, one log line), the good file still shows,
    /// the collector does not fail; fixed, it shows and the log says so once.
    @Test func brokenFileIsReportedOnceAndTheOthersStillShow() throws {
        let directory = try TextfileDirectory()
        try directory.write("good.prom", "# TYPE jobs_run counter\njobs_run 7\n")
        try directory.write("bad.prom", "broken{path=\"C:\\dir\"} 1\n")
        let log = LogCapture()
        let collector = collector(directory, log)
        let good = directory.path + "/good.prom", bad = directory.path + "/bad.prom"
        for _ in 0..<2 {
            let section = try pass(collector)
            #expect(section.scrapeError)
            #expect(section.families.map(\.descriptor.name) == ["jobs_run"])
            #expect(section.mtimes.map(\.path) == [good])
        }
        #expect(log.messages.count == 1)
        #expect(log.messages.first?.contains("textfile \(bad) refused: line 1: invalid escape sequence in a label value") == true)
        try directory.write("bad.prom", "broken{path=\"C:\\\\dir\"} 1\n")
        let fixed = try pass(collector)
        #expect(!fixed.scrapeError)
        #expect(fixed.families.map(\.descriptor.name) == ["broken", "jobs_run"])
        #expect(fixed.mtimes.map(\.path) == [bad, good])
        #expect(log.messages.count == 2 && log.messages.last == "textfile \(bad) no longer fails")
    }

    /// What makes a second file refused whole, while the first file's families stay.
    @Test(arguments: [
        ("# TYPE jobs gauge\njobs 1\n", "# TYPE jobs counter\njobs{host=\"b\"} 2\n", "jobs is a counter here but a gauge in"),
        ("jobs{host=\"a\"} 1\n", "other 1\njobs{host=\"a\"} 2\n", "a series of jobs is also in"),
        ("jobs 1\n", "node_filefd_allocated 5\n", "node_filefd_allocated is a family the agent exports itself"),
        ("jobs 1\n", "node_memory_Fake_bytes 5\n", "node_memory_Fake_bytes is a family the agent exports itself"),
        ("jobs 1\n", "shelteragent_build_info 5\n", "is a family the agent exports itself"),
        ("jobs 1\n", "node_textfile_scrape_error 0\n", "is a family the agent exports itself"),
        ("# TYPE jobs summary\njobs_sum 1\n", "jobs_sum 1\n", "jobs_sum is also a sample of family jobs"),
        ("jobs 1\n", "late 1 1764000000000\n", "timestamps"),
    ] as [(String, String, String)])
    func laterFileThatConflictsIsRefused(first: String, second: String, reason: String) throws {
        let directory = try TextfileDirectory()
        try directory.write("a.prom", first)
        try directory.write("b.prom", second)
        let log = LogCapture()
        let section = try pass(collector(directory, log))
        #expect(section.scrapeError)
        #expect(section.families.map(\.descriptor.name) == ["jobs"])
        #expect(section.mtimes.map(\.path) == [directory.path + "/a.prom"])
        #expect(log.messages.count == 1 && log.messages[0].contains("b.prom refused: ") && log.messages[0].contains(reason), "\(log.messages)")
    }

    /// Files that agree add up to one family, HELP naming both files.
    @Test func familyAcrossFilesMerges() throws {
        let directory = try TextfileDirectory()
        try directory.write("a.prom", "jobs{host=\"a\"} 1\n")
        try directory.write("b.prom", "jobs{host=\"b\",kind=\"x\"} 2\n")
        let section = try pass(collector(directory))
        #expect(!section.scrapeError)
        let jobs = try #require(section.families.first)
        #expect(jobs.descriptor.help == "Read from textfile \(directory.path)/a.prom, \(directory.path)/b.prom.")
        #expect(jobs.descriptor.labels == ["host", "kind"])
        #expect(jobs.lines.map(\.labelValues) == [["a", ""], ["b", "x"]])
    }

    /// A file the listing named but that is gone when read was removed meanwhile: not an error.
    @Test func fileThatVanishesBetweenListingAndReadingIsSkipped() throws {
        let directory = try TextfileDirectory()
        try directory.write("good.prom", "jobs 1\n")
        let log = LogCapture()
        let section = collector(directory, log).section(files: [directory.path + "/gone.prom", directory.path + "/good.prom"])
        #expect(!section.scrapeError)
        #expect(section.mtimes.map(\.path) == [directory.path + "/good.prom"])
        #expect(log.messages.isEmpty)
    }

    /// A link to nothing, though, is a file that cannot be read.
    @Test func danglingLinkIsAnError() throws {
        let directory = try TextfileDirectory()
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link.prom", withDestinationPath: "/nonexistent/x.prom")
        let log = LogCapture()
        #expect(try pass(collector(directory, log)).scrapeError)
        #expect(log.messages.count == 1 && log.messages[0].contains("link.prom"))
    }

    /// A FIFO named *.prom would block the pass on read; it is refused without being opened.
    @Test func fifoIsRefusedUnread() throws {
        let directory = try TextfileDirectory()
        try directory.write("good.prom", "jobs 1\n")
        #expect(mkfifo(directory.path + "/pipe.prom", 0o600) == 0)
        let section = try pass(collector(directory))
        #expect(section.scrapeError)
        #expect(section.failures == [directory.path + "/pipe.prom": "not a regular file"])
        #expect(section.families.map(\.descriptor.name) == ["jobs"])
    }

    @Test func emptyDirectoryAndOtherFilesGiveOnlyTheScrapeError() throws {
        let directory = try TextfileDirectory()
        #expect(try pass(collector(directory)).rendered() == Self.tail(0))
        try directory.write("notes.txt", "not { a metric\n")
        try directory.write("half.prom.tmp", "half{ 1")
        #expect(try pass(collector(directory)).rendered() == Self.tail(0))
    }

    @Test func withoutADirectoryOnlyTheScrapeErrorIsExported() throws {
        let section = try pass(TextfileCollector(directory: nil, logger: Logger(label: "test")))
        #expect(section.rendered() == Self.tail(0))
        #expect(try pass(TextfileCollector(directory: "", logger: Logger(label: "test"))).rendered() == Self.tail(0))
    }

    /// node_exporter reports a directory it cannot read as a scrape error; the collector still succeeds.
    @Test func missingDirectoryIsAScrapeErrorNotAFailure() throws {
        let log = LogCapture()
        let collector = TextfileCollector(directory: "/nonexistent/textfiles", logger: Logger(label: "test") { _ in log })
        #expect(try pass(collector).rendered() == Self.tail(1))
        #expect(try pass(collector).scrapeError)
        #expect(log.messages.count == 1 && log.messages[0].contains("/nonexistent/textfiles"))
    }

    /// node_exporter's setting may be a glob of directories; its `file` label is the path Go's Join cleans.
    @Test func globOfDirectoriesIsRead() throws {
        let directory = try TextfileDirectory()
        for sub in ["one", "two"] {
            try FileManager.default.createDirectory(atPath: directory.path + "/" + sub, withIntermediateDirectories: false)
            try directory.write(sub + "/x.prom", "jobs{dir=\"\(sub)\"} 1\n")
        }
        let section = try pass(TextfileCollector(directory: directory.path + "/*/", logger: Logger(label: "test")))
        #expect(!section.scrapeError)
        #expect(section.mtimes.map(\.path) == [directory.path + "/one/x.prom", directory.path + "/two/x.prom"])
        #expect(section.families.first?.lines.map(\.labelValues) == [["one"], ["two"]])
        #expect(TextfileCollector.cleaned("/var//lib/./textfile/../node/a.prom") == "/var/lib/node/a.prom")
        #expect(TextfileCollector.cleaned("./spool/a.prom") == "spool/a.prom")
        #expect(TextfileCollector.cleaned("../x/a.prom") == "../x/a.prom")
    }

    /// Each pass stats the files; only a changed one is read again.
    @Test func unchangedFilesAreNotReadAgain() throws {
        let directory = try TextfileDirectory()
        try directory.write("a.prom", "jobs 1\n")
        try directory.write("b.prom", "other 1\n")
        let collector = collector(directory)
        _ = try pass(collector)
        _ = try pass(collector)
        #expect(collector.reads == 2)
        try directory.write("b.prom", "other 2\n")
        let section = try pass(collector)
        #expect(collector.reads == 3)
        #expect(section.families.last?.lines.first?.value == 2)
        try FileManager.default.removeItem(atPath: directory.path + "/a.prom")
        #expect(try pass(collector).families.map(\.descriptor.name) == ["other"])
        #expect(collector.reads == 3)
    }
}
