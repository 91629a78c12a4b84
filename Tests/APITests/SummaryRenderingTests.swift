import Testing

@testable import API

/// Summaries and histograms (which only textfiles bring) render as client_golang writes them: the
/// suffixed lines, `quantile`/`le` after the family's labels, in both formats.
@Suite struct SummaryRenderingTests {
    static func histogram() -> MetricSet {
        var set = MetricSet()
        let family = MetricDescriptor("h_seconds", .histogram, "H.", labels: ["job"])
        set.add(family, ["a"], 1, suffix: "_bucket", extraLabel: ("le", "0.5"))
        set.add(family, ["a"], 3, suffix: "_bucket", extraLabel: ("le", "+Inf"))
        set.add(family, ["a"], 2.5, suffix: "_sum")
        set.add(family, ["a"], 3, suffix: "_count")
        let summary = MetricDescriptor("s", .summary, "S.")
        set.add(summary, [], 0.1, extraLabel: ("quantile", "0.99"))
        set.add(summary, [], 4, suffix: "_sum")
        set.add(summary, [], 2, suffix: "_count")
        set.add(MetricDescriptor("runs", .counter, "Runs."), [], 7)
        return set
    }

    static let lines = """
        # HELP h_seconds H.
        # TYPE h_seconds histogram
        h_seconds_bucket{job="a",le="0.5"} 1
        h_seconds_bucket{job="a",le="+Inf"} 3
        h_seconds_sum{job="a"} 2.5
        h_seconds_count{job="a"} 3

        """

    @Test func textFormat() {
        let expected = Self.lines + """
            # HELP runs Runs.
            # TYPE runs counter
            runs 7
            # HELP s S.
            # TYPE s summary
            s{quantile="0.99"} 0.1
            s_sum 4
            s_count 2

            """
        #expect(String(decoding: Self.histogram().renderText(), as: UTF8.self) == expected)
    }

    /// A counter that lacks `_total` keeps its name in OpenMetrics, declared `unknown` (a counter's
    /// samples there must end in `_total`): Prometheus stores it under the name node_exporter's text gives.
    @Test func openMetrics() {
        let page = String(decoding: Self.histogram().renderOpenMetrics(), as: UTF8.self)
        #expect(page.hasPrefix(Self.lines))
        #expect(page.contains("# HELP runs Runs.\n# TYPE runs unknown\nruns 7\n"))
        #expect(page.contains("# TYPE s summary\ns{quantile=\"0.99\"} 0.1\ns_sum 4\ns_count 2\n# EOF\n"))
    }
}
