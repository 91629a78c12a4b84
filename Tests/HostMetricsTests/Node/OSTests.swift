import API
import Testing

@testable import HostMetrics

@Suite struct OSTests {
    static let instant = SampleInstant(monotonic: 1, wall: 1)
    static let names = Uname(
        sysname: "Linux", release: "6.1.0-13-amd64", version: "#1 SMP", machine: "x86_64", nodename: "web1",
        domainname: "(none)")

    static func collect(rootfs: String, proc: String = Fixtures.directory + "/host/proc", synchronized: Bool = true)
        throws -> OSSection
    {
        let collector = OSCollector(
            roots: HostRoots(proc: proc, sys: Fixtures.host.sys.root, rootfs: rootfs), uname: { names },
            timex: { TimexReading(state: synchronized ? 0 : TimexReading.timeError) })
        var snapshot = Snapshot(sequence: 1, timestamp: 1, hostname: "fixture")
        try collector.collect(into: &snapshot, at: instant)
        return try #require(snapshot.section("os", as: OSSection.self))
    }

    @Test func parsesShellQuotingCommentsAndEscapes() throws {
        let release = try OSRelease.parse(try Fixtures.bytes("node/os/quoted/etc/os-release"))
        #expect(release["NAME"] == #"Example "Rolling" Linux"#)
        #expect(release["PRETTY_NAME"] == #"Example "Rolling" Linux $edge `nightly` \ back"#)
        #expect(release["ID"] == "example" && release["ID_LIKE"] == "arch fedora")
        #expect(release["VARIANT"] == "Server Edition", "a backslash outside quotes keeps the next character")
        #expect(release["VARIANT_ID"] == "server", "a comment after the value is not part of it")
        #expect(release["IMAGE_ID"] == "example-server", "quoted parts run together")
        #expect(release["IMAGE_VERSION"] == #"1.2\n3"#, "inside double quotes a shell keeps other backslashes")
        #expect(release["HOME_URL"] == "https://example.org/#top", "a quoted # is text")
        #expect(release.fields["VERSION_ID"] == nil && release.versionNumber == nil)
        #expect(release.fields.count == 10)
    }

    @Test func valuesOnLiterals() throws {
        func value(_ line: String) throws -> String? { try OSRelease.parse(Array(line.utf8)).fields["A"] }
        #expect(try value(#"A="x " # comment"#) == "x ", "a quoted blank stays, the unquoted one before # goes")
        #expect(try value("A=x#y") == "x#y", "# inside a word is text")
        #expect(try value("A=''") == "")
        #expect(try value("A=") == "")
        #expect(try value("  A = spaced  \r") == "spaced")
        #expect(try value(#"A="it's" 'a "b"'"#) == #"it's a "b""#)
        #expect(try value("A=\"tab\\\tkept\"") == "tab\\\tkept", "a backslash before anything else stays")
    }

    @Test func versionIsTheLeadingMajorMinorOfVersionID() {
        func version(_ id: String) -> Double? { OSRelease(["VERSION_ID": id]).versionNumber }
        #expect(version("12") == 12)
        #expect(version("22.04.3") == 22.04)
        #expect(version("3.18") == 3.18)
        #expect(version("9.") == 9)
        #expect(version("2023.1-rc") == 2023.1)
        #expect(version("rolling") == nil)
        #expect(version("0") == nil, "node_exporter leaves out a version of zero")
        #expect(version("") == nil)
    }

    @Test func malformedLinesAreNamedByNumber() {
        #expect(throws: ParseError(file: "etc/os-release", line: 2, reason: "expected KEY=value", text: "JUST TEXT")) {
            try OSRelease.parse(Array("ID=x\nJUST TEXT\n".utf8))
        }
        #expect(throws: ParseError(file: "etc/os-release", line: 1, reason: "unmatched quote", text: #"NAME="Open"#)) {
            try OSRelease.parse(Array(#"NAME="Open"#.utf8))
        }
        #expect(throws: ParseError.self) { try OSRelease.parse(Array("1ID=x\n".utf8)) }
        #expect(throws: ParseError.self) { try OSRelease.parse(Array("=x\n".utf8)) }
    }

    @Test func capturedHostGivesNodeExportersLabelsAndVersion() throws {
        let section = try Self.collect(rootfs: Fixtures.host.rootfs.root)
        let release = try OSRelease.parse(try Fixtures.bytes("host/rootfs/etc/os-release"))
        let info = try #require(section.samples.samples.first { $0.descriptor.name == "node_os_info" })
        #expect(info.descriptor.labels == OSCollector.labels && info.value == 1)
        #expect(info.labelValues[OSCollector.labels.firstIndex(of: "pretty_name")!] == release["PRETTY_NAME"])
        #expect(!release["PRETTY_NAME"].isEmpty && !release["ID"].isEmpty)
        let version = try #require(section.samples.samples.first { $0.descriptor.name == "node_os_version" })
        #expect(version.labelValues == [release["ID"], release["ID_LIKE"], release["NAME"]])
        #expect(version.value == release.versionNumber && version.value > 0)
    }

    @Test func quotedFixtureHasEmptyLabelsForWhatIsUnsetAndNoVersion() throws {
        let samples = try Self.collect(rootfs: Fixtures.directory + "/node/os/quoted").samples
        let info = try #require(samples.samples.first)
        #expect(
            info.labelValues == [
                "rolling", "example", "arch fedora", "example-server", #"1.2\n3"#, #"Example "Rolling" Linux"#,
                #"Example "Rolling" Linux $edge `nightly` \ back"#, "Server Edition", "server", "", "", "",
            ])
        #expect(samples.value("node_os_version") == nil)
    }

    @Test func usrLibIsReadWhenEtcHasNone() throws {
        let samples = try Self.collect(rootfs: Fixtures.directory + "/node/os/usr-lib-only").samples
        #expect(samples.value("node_os_version", ["ubuntu", "debian", "Ubuntu"]) == 22.04)
        #expect(samples.samples.first?.labelValues[OSCollector.labels.firstIndex(of: "version_id")!] == "22.04.3")
    }

    @Test func noOSReleaseIsAnEmptySectionNotAFailure() throws {
        let section = try Self.collect(rootfs: Fixtures.directory + "/node/os/none")
        #expect(section.samples.samples.isEmpty)
        #expect(section.system.osName == nil && section.system.kernelRelease == "6.1.0-13-amd64")
    }

    @Test func systemSummaryInTheJSONSnapshot() throws {
        var snapshot = Snapshot(sequence: 1, timestamp: 1, hostname: "fixture")
        snapshot.cpu = CPUSample(
            cores: 1, usagePercent: nil, perCorePercent: [], loadAverage: nil, perCoreTimes: [],
            kernel: KernelCounters(bootTimeSeconds: 1_764_000_000))
        let collector = OSCollector(
            roots: HostRoots(
                proc: Fixtures.host.proc.root, sys: Fixtures.host.sys.root,
                rootfs: Fixtures.directory + "/node/os/usr-lib-only"),
            uname: { Self.names }, timex: { TimexReading(state: TimexReading.timeError) })
        try collector.collect(into: &snapshot, at: Self.instant)
        let uptime = try Uptime.parse(try Fixtures.bytes("host/proc/uptime")).seconds
        let json = String(decoding: SnapshotJSON.render(snapshot), as: UTF8.self)
        #expect(
            json.contains(
                #""system":{"os":"Ubuntu 22.04.3 LTS","kernel_release":"6.1.0-13-amd64","machine":"x86_64","#
                    + #""boot_time":"2025-11-24T16:00:00Z","uptime_seconds":\#(NumberFormat.decimal(uptime)),"#
                    + #""clock_synchronized":false}"#), "\(json)")
    }

    @Test func unknownSourcesAreNullInTheSummary() throws {
        let collector = OSCollector(
            roots: HostRoots(proc: "/nonexistent", sys: "/nonexistent", rootfs: "/nonexistent"),
            uname: { () throws(SystemCallError) -> Uname in throw SystemCallError(call: "uname", errno: 1) },
            timex: { () throws(SystemCallError) -> TimexReading in throw SystemCallError(call: "adjtimex", errno: 1) })
        var snapshot = Snapshot(sequence: 1, timestamp: 1, hostname: "fixture")
        try collector.collect(into: &snapshot, at: Self.instant)
        var json = JSONWriter()
        try #require(snapshot.section("os", as: OSSection.self)).writeJSON(into: &json)
        #expect(
            String(decoding: json.bytes, as: UTF8.self)
                == #"{"os":null,"kernel_release":null,"machine":null,"boot_time":null,"uptime_seconds":null,"#
                + #""clock_synchronized":null}"#)
    }
}
