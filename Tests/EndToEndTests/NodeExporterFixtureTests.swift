import Foundation
import Testing

/// The hardware collectors on the fixture trees written for hardware this machine lacks
/// (Tests/HostMetricsTests/Fixtures/node/<collector>), served by the agent and by Debian's node_exporter
/// 1.5.0 pointed at the same tree (`--path.sysfs`, `--path.procfs`): every sample, label and TYPE must be
/// the same, so a dashboard cannot tell them apart on that hardware either.
@Suite(.serialized) struct NodeExporterFixtureTests {
    /// A collector, the fixture tree it reads and the family names that are its (node_exporter adds its
    /// own `node_scrape_*`, `go_*`, `process_*` and `promhttp_*`, left out of the comparison).
    struct Case: Sendable, CustomStringConvertible {
        var collector: String
        var prefixes: [String]
        /// node_exporter's collector, where the families are part of one with another name.
        var nodeExporterCollector: String? = nil
        /// The fixture tree, where it is not the collector's name.
        var tree: String? = nil
        var description: String { collector }
    }

    static let cases = [
        Case(collector: "hwmon", prefixes: ["node_hwmon_"]),
        Case(collector: "thermal_zone", prefixes: ["node_thermal_zone_", "node_cooling_device_"]),
        Case(collector: "powersupplyclass", prefixes: ["node_power_supply_"]),
        Case(collector: "cpufreq", prefixes: ["node_cpu_frequency_", "node_cpu_scaling_frequency_"]),
        Case(
            collector: "thermal_throttle", prefixes: ["node_cpu_core_throttles_total", "node_cpu_package_throttles_total"],
            nodeExporterCollector: "cpu", tree: "cpufreq"),
        Case(collector: "edac", prefixes: ["node_edac_"]),
        Case(collector: "mdadm", prefixes: ["node_md_"]),
        Case(collector: "bonding", prefixes: ["node_bonding_"]),
        Case(collector: "nvme", prefixes: ["node_nvme_"]),
        Case(collector: "rapl", prefixes: ["node_rapl_"]),
        Case(collector: "fibrechannel", prefixes: ["node_fibrechannel_"]),
        Case(collector: "infiniband", prefixes: ["node_infiniband_"]),
        Case(collector: "tapestats", prefixes: ["node_tape_"]),
        Case(collector: "nfs", prefixes: ["node_nfs_"]),
        Case(collector: "nfsd", prefixes: ["node_nfsd_"], tree: "nfs"),
        Case(collector: "xfs", prefixes: ["node_xfs_"]),
        Case(collector: "btrfs", prefixes: ["node_btrfs_"]),
        Case(collector: "zfs", prefixes: ["node_zfs_"]),
        Case(collector: "bcache", prefixes: ["node_bcache_"]),
        Case(collector: "ipvs", prefixes: ["node_ipvs_"]),
    ]

    @Test(arguments: cases) func agentServesWhatNodeExporterServes(_ test: Case) throws {
        let tree = Paths.repository + "/Tests/HostMetricsTests/Fixtures/node/" + (test.tree ?? test.collector)
        let agent = try RunningAgent(environment: [
            "PROC_ROOT": tree + "/proc", "SYS_ROOT": tree + "/sys", "ROOTFS": tree + "/rootfs",
            "COLLECTION_INTERVAL": "3600",
        ])
        defer { _ = agent.stop() }
        let ours = Exposition(try agent.get("/metrics?collect[]=" + test.collector).body, prefixes: test.prefixes)

        // node_exporter will not start without both trees; a fixture has only the one its collector reads.
        let empty = NSTemporaryDirectory() + "node-fixture-empty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        func existing(_ path: String) -> String { FileManager.default.fileExists(atPath: path) ? path : empty }
        let theirs = Exposition(
            try NodeExporter.scrape([
                "--path.sysfs=" + existing(tree + "/sys"), "--path.procfs=" + existing(tree + "/proc"),
                "--collector.disable-defaults",
                "--collector." + (test.nodeExporterCollector ?? test.collector),
            ]), prefixes: test.prefixes)
        #expect(!theirs.samples.isEmpty, "node_exporter found nothing in the fixture: the tree is wrong")
        #expect(ours.types == theirs.types)
        for (series, value) in theirs.samples.sorted(by: { $0.key < $1.key }) {
            #expect(ours.samples[series] == value, "\(series)")
        }
        let extra = Set(ours.samples.keys).subtracting(theirs.samples.keys).sorted()
        #expect(extra.isEmpty, "the agent serves samples node_exporter does not: \(extra)")
    }
}

/// The samples and TYPE lines of a text exposition, for the families starting with one of `prefixes`.
struct Exposition {
    var samples: [String: Double] = [:]
    var types: [String: String] = [:]

    /// `a{x="1",y=""}` as `a{x="1"}`: Prometheus reads an empty label as no label, and the agent's info
    /// families give every sample the union of the labels where node_exporter gives each only its own.
    static func withoutEmptyLabels(_ series: Substring) -> String {
        guard let open = series.firstIndex(of: "{"), series.hasSuffix("}") else { return String(series) }
        var pairs: [Substring] = []
        var rest = series[series.index(after: open)..<series.index(before: series.endIndex)]
        // Label values here hold no `",` (fixture text), so a pair ends at the first `",` after its `="`.
        while !rest.isEmpty {
            let end = rest.range(of: "\",")?.lowerBound ?? rest.index(before: rest.endIndex)
            let pair = rest[...end]
            if !pair.hasSuffix("=\"\"") { pairs.append(pair) }
            rest = end < rest.index(before: rest.endIndex) ? rest[rest.index(end, offsetBy: 2)...] : ""
        }
        let name = series[..<open]
        return pairs.isEmpty ? String(name) : name + "{" + pairs.joined(separator: ",") + "}"
    }

    init(_ text: String, prefixes: [String]) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4, prefixes.contains(where: { parts[2].hasPrefix($0) }) {
                    types[String(parts[2])] = String(parts[3])
                }
            } else if !line.hasPrefix("#"), prefixes.contains(where: { line.hasPrefix($0) }),
                let space = line.lastIndex(of: " ")
            {
                samples[Self.withoutEmptyLabels(line[..<space])] = Double(line[line.index(after: space)...]) ?? .nan
            }
        }
    }
}

/// Debian's node_exporter on a free loopback port, scraped once and stopped.
enum NodeExporter {
    static func scrape(_ arguments: [String]) throws -> String {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try which("prometheus-node-exporter"))
        process.arguments = ["--web.listen-address=127.0.0.1:\(port)"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let result = try run("curl", ["-sf", "--max-time", "2", "http://127.0.0.1:\(port)/metrics"])
            if result.status == 0 { return result.stdout }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        throw TestFailure("node_exporter did not serve on port \(port) within 10 s")
    }

    /// A port the kernel picked for a socket bound and closed at once; node_exporter takes it next.
    static func freePort() throws -> UInt16 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestFailure("socket: \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else { throw TestFailure("bind: \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }
}
