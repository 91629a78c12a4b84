import API

/// The os collector's section: node_os_info and node_os_version for `/metrics`, and the `system` summary
/// a person looks for first in `/api/v1/metrics`: which OS and kernel, up since when, and whether the clock
/// is synchronised.
public struct OSSection: JSONSection {
    public var samples: MetricSamples
    public var system: SystemSummary

    public init(samples: MetricSamples, system: SystemSummary) {
        self.samples = samples
        self.system = system
    }

    public func addMetrics(to set: inout MetricSet) { samples.addMetrics(to: &set) }

    public var jsonKey: String { "system" }

    public func writeJSON(into json: inout JSONWriter) {
        json.object { json in
            json.field("os", system.osName)
            json.field("kernel_release", system.kernelRelease)
            json.field("machine", system.machine)
            json.field("boot_time", system.bootTimeSeconds.map { Timestamp.rfc3339($0) })
            json.field("uptime_seconds", system.uptimeSeconds)
            json.key("clock_synchronized")
            if let synchronized = system.clockSynchronized { json.bool(synchronized) } else { json.string(nil) }
        }
    }
}

/// Who this host is and how long it has been up; each field `nil` where its source could not be read.
public struct SystemSummary: Sendable, Equatable {
    /// os-release's PRETTY_NAME, else NAME.
    public var osName: String?
    public var kernelRelease: String?
    public var machine: String?
    public var bootTimeSeconds: Double?
    public var uptimeSeconds: Double?
    /// Whether adjtimex(2) counts the clock as synchronised (node_timex_sync_status).
    public var clockSynchronized: Bool?

    public init(
        osName: String? = nil, kernelRelease: String? = nil, machine: String? = nil, bootTimeSeconds: Double? = nil,
        uptimeSeconds: Double? = nil, clockSynchronized: Bool? = nil
    ) {
        self.osName = osName
        self.kernelRelease = kernelRelease
        self.machine = machine
        self.bootTimeSeconds = bootTimeSeconds
        self.uptimeSeconds = uptimeSeconds
        self.clockSynchronized = clockSynchronized
    }
}
