import Foundation
import Testing

/// `/metrics` negotiation: OpenMetrics for those who ask, gzip for those who accept it, node_exporter's
/// collect[]/exclude[] filters.
@Suite(.serialized) struct MetricsFormatTests {
    @Test func openMetricsPassesTheReferenceParser() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let response = try agent.get("/metrics", ["-H", "Accept: application/openmetrics-text; version=1.0.0"])
        #expect(response.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(response.body.hasSuffix("# EOF\n"))
        // prometheus_client's OpenMetrics parser is strict: it rejects what Prometheus would reject.
        let script = """
            import sys
            from prometheus_client.openmetrics.parser import text_string_to_metric_families
            families = {f.name: f for f in text_string_to_metric_families(sys.stdin.read())}
            print(families["node_cpu_seconds"].type, len(families["node_cpu_seconds"].samples) > 0)
            print(int(families["node_memory_MemTotal_bytes"].samples[0].value))
            """
        let parsed = try run("python3", ["-c", script], input: response.body)
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let memTotal = try agent.get("/metrics").body.split(separator: "\n").first { $0.hasPrefix("node_memory_MemTotal_bytes ") }
        #expect(parsed.stdout == "counter True\n\(memTotal!.split(separator: " ")[1])\n")
    }

    @Test func gzipWhenAcceptedAndTheSameBytesUnpacked() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let plain = try agent.get("/metrics")
        #expect(plain.headers["content-encoding"] == nil)
        let compressed = try agent.get("/metrics", ["--compressed"])
        #expect(compressed.headers["content-encoding"] == "gzip")
        #expect(compressed.headers["vary"] == "Accept, Accept-Encoding")
        #expect(compressed.body == plain.body)
        let size = try run(
            "curl", ["-sS", "-H", "Accept-Encoding: gzip", "-o", "/dev/null", "-w", "%{size_download}", agent.baseURL + "/metrics"])
        let compressedBytes = try #require(Int(size.stdout), "\(size.stdout)\(size.stderr)")
        #expect(compressedBytes > 0 && compressedBytes * 4 < plain.body.utf8.count, "gzip should shrink the page at least fourfold")
        #expect(try agent.get("/metrics", ["-H", "Accept-Encoding: gzip;q=0"]).headers["content-encoding"] == nil)
    }

    @Test func collectAndExcludeFilterByCollector() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let families = { (body: String) in
            Set(body.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
        }
        let cpuOnly = families(try agent.get("/metrics?collect[]=cpu").body)
        #expect(cpuOnly.contains("node_cpu_seconds_total") && cpuOnly.contains("node_load1"))
        #expect(!cpuOnly.contains("node_memory_MemTotal_bytes") && !cpuOnly.contains("shelteragent_processes"))
        #expect(cpuOnly.contains("shelteragent_build_info"))
        let noProcesses = families(try agent.get("/metrics?exclude[]=processes").body)
        #expect(noProcesses.contains("node_memory_MemTotal_bytes") && !noProcesses.contains("shelteragent_processes"))
        #expect(try agent.get("/metrics?collect[]=gpu").status == 400)
    }
}
