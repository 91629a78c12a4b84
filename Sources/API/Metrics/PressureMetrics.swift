/// Pressure stall families: the host's under node_exporter's names, the agent's own group under ours.
/// "waiting" is PSI's `some` line (at least one task stalled), "stalled" its `full` line (all of them).
public enum PressureMetrics {
    static func hostWaiting(_ resource: String) -> MetricDescriptor {
        MetricDescriptor(
            "node_pressure_\(resource)_waiting_seconds_total", .counter,
            "Total time in seconds that processes have waited for \(resource).")
    }

    static func hostStalled(_ resource: String) -> MetricDescriptor {
        MetricDescriptor(
            "node_pressure_\(resource)_stalled_seconds_total", .counter,
            "Total time in seconds no process could make progress because of \(resource).")
    }

    static func add(_ pressure: [PressureSample], to set: inout MetricSet) {
        for reading in pressure {
            set.add(hostWaiting(reading.resource), [], reading.some.totalSeconds)
            if let full = reading.full { set.add(hostStalled(reading.resource), [], full.totalSeconds) }
        }
    }
}

/// The host's pressure readings as a snapshot section (one per resource; none on kernels without PSI).
public struct PressureReadings: SnapshotSection {
    public var readings: [PressureSample]
    public init(_ readings: [PressureSample]) { self.readings = readings }
    public func addMetrics(to set: inout MetricSet) { PressureMetrics.add(readings, to: &set) }

    public func addHistory(to row: inout HistoryRow) {
        for reading in readings {
            row.add("pressure_\(reading.resource)_some_avg10", reading.some.avg10)
            row.add("pressure_\(reading.resource)_full_avg10", reading.full?.avg10)
        }
    }
}
