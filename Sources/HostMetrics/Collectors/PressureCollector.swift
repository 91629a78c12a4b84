import API

/// Host-wide pressure stall information from /proc/pressure (Linux 4.20+). A kernel without PSI, or
/// booted with psi=0, has nothing to show: an empty list, not a failure.
public final class PressureCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "pressure", cadence: .everyPass, reads: ["proc/pressure/cpu", "proc/pressure/memory", "proc/pressure/io"],
        exports: ["node_pressure_*"])

    public static func make(_ context: CollectorContext) -> any Collector { PressureCollector(proc: context.roots.proc) }

    static let resources = ["cpu", "memory", "io"]
    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var readings: [PressureSample] = []
        for resource in Self.resources {
            guard let bytes = try proc.readIfPresent("pressure/\(resource)") else { continue }
            readings.append(Self.sample(resource, try Pressure.parse(bytes, file: "pressure/\(resource)")))
        }
        snapshot.pressure = readings
    }

    static func sample(_ resource: String, _ pressure: Pressure) -> PressureSample {
        func stall(_ line: Pressure.Line) -> PressureSample.Stall {
            PressureSample.Stall(
                avg10: line.avg10, avg60: line.avg60, avg300: line.avg300,
                totalSeconds: Double(line.totalMicroseconds) / 1_000_000)
        }
        return PressureSample(resource: resource, some: stall(pressure.some), full: pressure.full.map(stall))
    }
}
