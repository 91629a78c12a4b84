import API
import Testing

@testable import HostMetrics

/// The text exposition parser on literal files, on every prefix of them and with every byte mutated,
/// as http1.c's parser is tested.
@Suite struct TextfileParserTests {
    typealias Label = ExpositionText.Label

    static let good = """
        # A cron job's output: every kind of line.
        # HELP backup_last_success_timestamp_seconds When the last backup finished.
        # TYPE backup_last_success_timestamp_seconds gauge
        backup_last_success_timestamp_seconds{job="db",target="s3"} 1.7e+09
        backup_last_success_timestamp_seconds{job="files"} 1764000000

        # TYPE backup_runs_total counter
        backup_runs_total 42
        \t  untyped_thing{a="x" , b = "y",} -Inf
        # TYPE rpc_seconds summary
        rpc_seconds{quantile="0.5"} 0.25
        rpc_seconds{quantile="0.99"} 1.5
        rpc_seconds_sum 17.5
        rpc_seconds_count 40
        # HELP size_bytes Sizes,\\nwith an escaped \\\\ and a new-line.
        # TYPE size_bytes histogram
        size_bytes_bucket{le="100"} 3
        size_bytes_bucket{le="+Inf"} 5
        size_bytes_sum 900
        size_bytes_count 5
        weird:name_1 NaN

        """

    @Test func goodFileParses() throws {
        let text = try ExpositionText.parse(Array(Self.good.utf8))
        #expect(!text.hasTimestamps)
        #expect(text.families.map(\.name) == [
            "backup_last_success_timestamp_seconds", "backup_runs_total", "untyped_thing", "rpc_seconds", "size_bytes",
            "weird:name_1",
        ])
        #expect(text.families.map(\.type) == [.gauge, .counter, .untyped, .summary, .histogram, .untyped])
        let backup = text.families[0]
        #expect(backup.help == "When the last backup finished.")
        #expect(backup.series.map(\.labels) == [
            [Label(name: "job", value: "db"), Label(name: "target", value: "s3")], [Label(name: "job", value: "files")],
        ])
        #expect(backup.series.map(\.value) == [1.7e9, 1_764_000_000])
        #expect(text.families[1].help == nil && text.families[1].series.map(\.value) == [42])
        #expect(text.families[2].series[0].labels == [Label(name: "a", value: "x"), Label(name: "b", value: "y")])
        #expect(text.families[2].series[0].value == -.infinity)
        let rpc = text.families[3].series
        #expect(rpc.count == 1 && rpc[0].labels.isEmpty)
        #expect(rpc[0].points == [.init(bound: 0.5, value: 0.25), .init(bound: 0.99, value: 1.5)])
        #expect(rpc[0].sum == 17.5 && rpc[0].count == 40)
        let size = text.families[4]
        #expect(size.help == "Sizes,\nwith an escaped \\ and a new-line.")
        #expect(size.series[0].points == [.init(bound: 100, value: 3), .init(bound: .infinity, value: 5)])
        #expect(size.series[0].sum == 900 && size.series[0].count == 5)
        #expect(text.families[5].series[0].value.isNaN)
    }

    @Test func labelValuesKeepUTF8AndEscapedQuotes() throws {
        let file = #"""
            path_info{path="C:\\dir\\",say="she said \"hi\"",city="Zürich ✓ 東京",two="a\nb"} 1

            """#
        let labels = try ExpositionText.parse(Array(file.utf8)).families[0].series[0].labels
        #expect(labels == [
            Label(name: "path", value: #"C:\dir\"#), Label(name: "say", value: #"she said "hi""#),
            Label(name: "city", value: "Zürich ✓ 東京"), Label(name: "two", value: "a\nb"),
        ])
    }

    @Test func timestampsAreParsedAndFlagged() throws {
        let text = try ExpositionText.parse(Array("a 1 1764000000000\nb 2 -5\n".utf8))
        #expect(text.hasTimestamps)
        #expect(text.families.map(\.name) == ["a", "b"])
        #expect(try !ExpositionText.parse(Array("a 1\n".utf8)).hasTimestamps)
    }

    @Test func emptyAndCommentOnlyFilesHaveNoFamilies() throws {
        #expect(try ExpositionText.parse([]).families.isEmpty)
        #expect(try ExpositionText.parse(Array("\n  \n# just a note\n# HELP lonely nobody samples it\n# TYPE lonely gauge\n".utf8)).families.isEmpty)
    }

    /// Each broken file gives a ParseError on the line at fault, naming what is wrong.
    @Test(arguments: [
        ("# HELP a one\n# HELP a two\na 1\n", 2, "second HELP"),
        ("# TYPE a gauge\n# TYPE a counter\na 1\n", 2, "second TYPE"),
        ("a 1\n# TYPE a gauge\n", 2, "TYPE after its samples"),
        ("# TYPE a gauges\na 1\n", 1, "unknown metric type"),
        ("# TYPE a gauge \na 1\n", 1, "unknown metric type"),
        ("a{b=\"\\t\"} 1\n", 1, "invalid escape sequence in a label value"),
        ("# HELP a bad \\t escape\n", 1, "invalid escape sequence in HELP"),
        ("a{b=\"x\ny\"} 1\n", 1, "unescaped new-line"),
        ("a{b=\"1\"} 1\na{b=\"1\"} 2\n", 2, "second sample for the same series"),
        ("a 1\na{b=\"\"} 2\n", 2, "second sample for the same series"),
        ("a{b=\"1\",b=\"2\"} 1\n", 1, "given twice"),
        ("a{__name__=\"x\"} 1\n", 1, "reserved"),
        ("a{__meta=\"x\"} 1\n", 1, "reserved"),
        ("a{1b=\"x\"} 1\n", 1, "invalid label name"),
        ("a{b=x} 1\n", 1, "to open a label value"),
        ("a{b=\"x\" c=\"y\"} 1\n", 1, "',' or '}'"),
        ("a one\n", 1, "float"),
        ("a 0x10\n", 1, "float"),
        ("a 1_000\n", 1, "float"),
        ("a 1e999\n", 1, "float"),
        ("a 1 \n", 1, "integer as timestamp"),
        ("a 1 2 3\n", 1, "spurious"),
        ("ok 1\n9a 1\n", 2, "invalid metric name"),
        ("# HELP 9a x\n", 1, "invalid metric name in a comment"),
        ("# TYPE s summary\ns{quantile=\"half\"} 1\n", 2, "float as the value of quantile"),
        ("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"1\"} 2\n", 3, "second sample for le"),
        ("# TYPE h histogram\nh_sum 1\nh_sum 2\n", 3, "second _sum"),
        ("ok 1\nlast 2", 2, "unexpected end of file"),
        ("ok 1\n# a comment without its new-line", 2, "unexpected end of file"),
    ] as [(String, Int, String)])
    func brokenFilesAreRefusedAtTheirLine(file: String, line: Int, reason: String) {
        #expect {
            try ExpositionText.parse(Array(file.utf8))
        } throws: { error in
            guard let error = error as? ParseError else { return false }
            return error.line == line && error.reason.contains(reason)
        }
    }

    @Test func labelValuesMustBeUTF8() {
        let file = Array("a{b=\"".utf8) + [0xFF] + Array("\"} 1\n".utf8)
        #expect { try ExpositionText.parse(file) } throws: { ($0 as? ParseError)?.reason.contains("not UTF-8") == true }
    }

    @Test func valuesFollowGoParseFloat() throws {
        let values = "a 1\nb -2.5e-3\nc +Inf\nd inf\ne -Infinity\nf nan\ng .5\nh 5.\ni +7\n"
        let parsed = try ExpositionText.parse(Array(values.utf8)).families.map { $0.series[0].value }
        #expect(Array(parsed.prefix(5)) == [1, -0.0025, .infinity, .infinity, -.infinity])
        #expect(parsed[5].isNaN)
        #expect(Array(parsed.suffix(3)) == [0.5, 5, 7])
        #expect(throws: ParseError.self) { try ExpositionText.parse(Array("a -nan\n".utf8)) }
    }

    /// A `_sum`/`_count`/`_bucket` line joins its summary or histogram only when that was typed first;
    /// otherwise it is a family of its own, as with expfmt.
    @Test func suffixedLinesJoinOnlyATypedFamily() throws {
        let text = try ExpositionText.parse(Array("x_sum 1\n# TYPE x summary\nx_count 2\n# TYPE g gauge\ng_sum 3\n".utf8))
        #expect(text.families.map(\.name) == ["x_sum", "x", "g_sum"])
        #expect(text.families[1].series[0].count == 2)
    }

    /// Every prefix of a good file either parses (it ends at a line's end, or in blanks) or is refused as
    /// cut at the line it ends in: a file half written is never taken for a shorter one.
    @Test func everyPrefixParsesOrIsRefusedAsCut() throws {
        let bytes = Array(Self.good.utf8)
        for length in 0...bytes.count {
            let prefix = Array(bytes[..<length])
            let lastLine = prefix.lastIndex(of: ExpositionLine.newline).map { prefix[($0 + 1)...] } ?? prefix[...]
            let complete = lastLine.allSatisfy(ExpositionLine.isBlank)
            do {
                let text = try ExpositionText.parse(prefix)
                #expect(complete, "prefix of \(length) bytes parsed though cut mid-line")
                #expect(text.families.count <= 6)
            } catch {
                #expect(!complete, "prefix of \(length) bytes refused: \(error)")
                #expect(error.reason.contains("end of file"), "prefix of \(length): \(error)")
                #expect(error.line == prefix.count { $0 == ExpositionLine.newline } + 1)
            }
        }
    }

    /// Every byte replaced by each byte that means something to the format (and a few that mean
    /// nothing): the parser returns families or a ParseError, never traps or reads out of bounds.
    @Test func everyMutatedByteParsesOrIsRefused() {
        let bytes = Array(Self.good.utf8)
        let replacements: [UInt8] = Array("\n\"\\{}=, \t#:_-+.eE0a".utf8) + [0, 0x7F, 0xC3, 0xFF]
        var refused = 0, parsed = 0
        for position in bytes.indices {
            for replacement in replacements where replacement != bytes[position] {
                var mutated = bytes
                mutated[position] = replacement
                if let text = try? ExpositionText.parse(mutated) {
                    parsed += 1
                    #expect(text.families.allSatisfy { !$0.series.isEmpty && !$0.name.isEmpty })
                } else {
                    refused += 1
                }
                let cut = Array(mutated[..<position])
                _ = try? ExpositionText.parse(cut)
            }
        }
        #expect(refused > 0 && parsed > 0, "both outcomes occur: \(refused) refused, \(parsed) parsed")
    }

    @Test func goFloatSpellsBoundsAsClientGolangDoes() {
        let cases: [(Double, String)] = [
            (0.5, "0.5"), (1, "1"), (100, "100"), (123_456, "123456"), (1e6, "1e+06"), (2.5e6, "2.5e+06"), (0.0001, "0.0001"),
            (0.00001, "1e-05"), (1.5e-7, "1.5e-07"), (1e21, "1e+21"), (-0.25, "-0.25"), (.infinity, "+Inf"), (-.infinity, "-Inf"),
            (0, "0"), (0.99, "0.99"), (1e100, "1e+100"),
        ]
        for (value, spelled) in cases { #expect(GoFloat.format(value) == spelled, "\(value)") }
    }
}
