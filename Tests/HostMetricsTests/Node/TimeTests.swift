import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct TimeTests {
    static let instant = SampleInstant(monotonic: 1, wall: 1_764_000_000.25)

    static func collect(sys: String) throws -> MetricSamples {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        try TimeCollector(sys: FileTree(root: sys)).collect(into: &snapshot, at: instant)
        return try #require(snapshot.section("time", as: MetricSamples.self))
    }

    static func series(_ samples: MetricSamples, _ family: String) -> [[String]] {
        samples.samples.filter { $0.descriptor.name == family && $0.value == 1 }.map(\.labelValues)
    }

    @Test func clocksourceNamesParse() throws {
        let file = "clocksource0/available_clocksource"
        #expect(try ClocksourceNames.parse(Array("tsc kvm-clock \n".utf8), file: file).names == ["tsc", "kvm-clock"])
        #expect(try ClocksourceNames.parse(Array("tsc\n".utf8), file: file).names == ["tsc"])
        #expect(throws: ParseError(file: file, line: 0, reason: "no clock source named")) {
            try ClocksourceNames.parse(Array(" \n".utf8), file: file)
        }
    }

    @Test func capturedHostClockZoneAndClocksources() throws {
        let samples = try Self.collect(sys: Fixtures.host.sys.root)
        #expect(samples.value("node_time_seconds") == Self.instant.wall, "the pass's own clock reading")
        let zone = LocalTimeZone.at(Self.instant.wall)
        #expect(samples.value("node_time_zone_offset_seconds", [zone.name]) == Double(zone.offsetSeconds))
        let device = "host/sys/devices/system/clocksource/clocksource0/"
        let available = try ClocksourceNames.parse(try Fixtures.bytes(device + "available_clocksource"), file: "")
        let current = try ClocksourceNames.parse(try Fixtures.bytes(device + "current_clocksource"), file: "")
        #expect(Self.series(samples, "node_time_clocksource_available_info") == available.names.map { [$0, "0"] })
        #expect(Self.series(samples, "node_time_clocksource_current_info") == current.names.map { [$0, "0"] })
        #expect(!available.names.isEmpty && current.names.count == 1)
    }

    @Test func everyDeviceByItsPositionAndNothingElseInTheDirectory() throws {
        let samples = try Self.collect(sys: Fixtures.directory + "/node/time/two-devices/sys")
        #expect(
            Self.series(samples, "node_time_clocksource_available_info")
                == [["tsc", "0"], ["hpet", "0"], ["acpi_pm", "0"], ["arch_sys_counter", "1"]])
        #expect(Self.series(samples, "node_time_clocksource_current_info") == [["hpet", "0"], ["arch_sys_counter", "1"]])
        let labels = samples.samples.first { $0.descriptor.name == "node_time_clocksource_current_info" }?.descriptor.labels
        #expect(labels == ["clocksource", "device"])
    }

    @Test func noClocksourceDirectoryLeavesTheClockAndZone() throws {
        let samples = try Self.collect(sys: Fixtures.directory + "/node/time/none")
        #expect(Set(samples.samples.map(\.descriptor.name)) == ["node_time_seconds", "node_time_zone_offset_seconds"])
    }

    /// The zone is the one the C library reads (TZ, else /etc/localtime), as `date` shows it.
    @Test func zoneIsTheOneDateShows() throws {
        let moment = Date().timeIntervalSince1970.rounded(.down)
        let date = Process()
        date.executableURL = URL(fileURLWithPath: "/bin/date")
        date.arguments = ["-d", "@\(Int(moment))", "+%Z %z"]
        let output = Pipe()
        date.standardOutput = output
        try date.run()
        date.waitUntilExit()
        let shown = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let zone = LocalTimeZone.at(moment)
        #expect(shown.first == zone.name)
        let hhmm = try #require(Int(shown.last ?? ""))
        #expect(zone.offsetSeconds == (hhmm / 100) * 3600 + (hhmm % 100) * 60)
    }
}
