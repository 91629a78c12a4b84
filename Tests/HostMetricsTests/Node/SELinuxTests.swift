import API
import Testing

@testable import HostMetrics

@Suite struct SELinuxTests {
    static func collect(_ tree: String) throws -> MetricSamples {
        let root = Fixtures.directory + "/node/selinux/" + tree
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        try SELinuxCollector(roots: HostRoots(proc: root + "/proc", sys: root + "/sys", rootfs: root + "/rootfs"))
            .collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        return try #require(snapshot.section("selinux", as: MetricSamples.self))
    }

    @Test func configModeAsLibselinuxReadsIt() {
        #expect(SELinuxConfig.parse(Array("SELINUX=enforcing\n".utf8)).modeNumber == 1)
        #expect(SELinuxConfig.parse(Array("# SELINUX=enforcing\nSELINUX=\"permissive\"\n".utf8)).modeNumber == 0)
        #expect(SELinuxConfig.parse(Array("SELINUX=disabled\n".utf8)).modeNumber == -1)
        #expect(SELinuxConfig.parse(Array("SELINUXTYPE=targeted\nnonsense\n".utf8)) == SELinuxConfig(mode: nil))
        #expect(SELinuxConfig.parse([]).modeNumber == -1)
    }

    @Test func enabledHostGivesConfigAndCurrentModes() throws {
        let samples = try Self.collect("enforcing")
        #expect(samples.value("node_selinux_enabled") == 1)
        #expect(samples.value("node_selinux_config_mode") == 1)
        #expect(samples.value("node_selinux_current_mode") == 0, "running permissive")
    }

    @Test func aKernelWithoutAPolicyCountsAsDisabled() throws {
        let samples = try Self.collect("no-policy")
        #expect(samples.samples.map(\.descriptor.name) == ["node_selinux_enabled"])
        #expect(samples.value("node_selinux_enabled") == 0)
    }

    /// This host has no selinuxfs: node_exporter says node_selinux_enabled 0 and nothing else; so does this.
    @Test func capturedHostHasSELinuxOff() throws {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        try SELinuxCollector(roots: Fixtures.host).collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        let samples = try #require(snapshot.section("selinux", as: MetricSamples.self))
        #expect(samples.samples.map(\.descriptor.name) == ["node_selinux_enabled"])
        #expect(samples.value("node_selinux_enabled") == 0)
    }
}
