import API

/// node_exporter's `timex`: the kernel's clock discipline from adjtimex(2), read without changing it: offset
/// and error estimates, frequency correction, PPS figures and whether the clock counts as synchronised
/// (what the clock skew and clock sync alerts read).
public final class TimexCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "timex", reads: ["syscall adjtimex"],
        exports: [
            "node_timex_offset_seconds", "node_timex_frequency_adjustment_ratio", "node_timex_maxerror_seconds",
            "node_timex_estimated_error_seconds", "node_timex_status", "node_timex_loop_time_constant",
            "node_timex_tick_seconds", "node_timex_pps_frequency_hertz", "node_timex_pps_jitter_seconds",
            "node_timex_pps_shift_seconds", "node_timex_pps_stability_hertz", "node_timex_pps_jitter_total",
            "node_timex_pps_calibration_total", "node_timex_pps_error_total",
            "node_timex_pps_stability_exceeded_total", "node_timex_tai_offset_seconds", "node_timex_sync_status",
        ])

    public static func make(_ context: CollectorContext) -> any Collector { TimexCollector(read: Adjtimex.read) }

    static let offset = MetricDescriptor(
        "node_timex_offset_seconds", .gauge, "Offset of the system clock from its reference, in seconds.")
    static let frequency = MetricDescriptor(
        "node_timex_frequency_adjustment_ratio", .gauge, "Rate of the system clock against nominal after the kernel's frequency correction.")
    static let maxError = MetricDescriptor(
        "node_timex_maxerror_seconds", .gauge, "Largest error the kernel allows the clock, in seconds.")
    static let estimatedError = MetricDescriptor(
        "node_timex_estimated_error_seconds", .gauge, "Error the kernel estimates for the clock, in seconds.")
    static let status = MetricDescriptor("node_timex_status", .gauge, "The clock's STA_* status bits.")
    static let constant = MetricDescriptor(
        "node_timex_loop_time_constant", .gauge, "Time constant of the phase-locked loop.")
    static let tick = MetricDescriptor("node_timex_tick_seconds", .gauge, "Length of a clock tick, in seconds.")
    static let ppsFrequency = MetricDescriptor(
        "node_timex_pps_frequency_hertz", .gauge, "Frequency offset the PPS signal measures, as a fraction of nominal.")
    static let ppsJitter = MetricDescriptor(
        "node_timex_pps_jitter_seconds", .gauge, "Jitter of the PPS signal, in seconds.")
    static let ppsShift = MetricDescriptor(
        "node_timex_pps_shift_seconds", .gauge, "PPS calibration interval, as a power of two seconds.")
    static let ppsStability = MetricDescriptor(
        "node_timex_pps_stability_hertz", .gauge, "Stability of the PPS frequency: its recent changes on average, as a fraction.")
    static let ppsJitterCount = MetricDescriptor(
        "node_timex_pps_jitter_total", .counter, "PPS samples past the jitter limit.")
    static let ppsCalibrations = MetricDescriptor(
        "node_timex_pps_calibration_total", .counter, "PPS calibration intervals.")
    static let ppsErrors = MetricDescriptor("node_timex_pps_error_total", .counter, "PPS calibration errors.")
    static let ppsStabilityExceeded = MetricDescriptor(
        "node_timex_pps_stability_exceeded_total", .counter, "PPS samples past the stability limit.")
    static let tai = MetricDescriptor(
        "node_timex_tai_offset_seconds", .gauge, "Seconds International Atomic Time is ahead of UTC, as the kernel was told.")
    static let syncStatus = MetricDescriptor(
        "node_timex_sync_status", .gauge, "Whether the clock is synchronised to a reliable source (1) or not (0).")

    private let read: () throws(SystemCallError) -> TimexReading

    /// `read` is adjtimex(2) normally; tests pass a fixed reading or a failure.
    init(read: @escaping () throws(SystemCallError) -> TimexReading) {
        self.read = read
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        snapshot.setSection(name, try reading().map(Self.samples) ?? MetricSamples())
    }

    /// `nil` when a sandbox refuses the call: node_exporter reports no data then, and so does this.
    private func reading() throws(SystemCallError) -> TimexReading? {
        do {
            return try read()
        } catch where error.isPermissionDenied {
            return nil
        }
    }

    /// node_exporter's figures from one reading, in its units.
    static func samples(_ reading: TimexReading) -> MetricSamples {
        var samples = MetricSamples()
        samples.add(syncStatus, [], reading.isSynchronized ? 1 : 0)
        samples.add(offset, [], reading.offsetSeconds)
        samples.add(frequency, [], reading.frequencyRatio)
        samples.add(maxError, [], reading.maxErrorSeconds)
        samples.add(estimatedError, [], reading.estimatedErrorSeconds)
        samples.add(status, [], reading.status)
        samples.add(constant, [], reading.constant)
        samples.add(tick, [], reading.tickSeconds)
        samples.add(ppsFrequency, [], reading.ppsFrequencyHertz)
        samples.add(ppsJitter, [], reading.jitterSeconds)
        samples.add(ppsShift, [], reading.shift)
        samples.add(ppsStability, [], reading.ppsStabilityHertz)
        samples.add(ppsJitterCount, [], reading.jitterCount)
        samples.add(ppsCalibrations, [], reading.calibrationCount)
        samples.add(ppsErrors, [], reading.errorCount)
        samples.add(ppsStabilityExceeded, [], reading.stabilityExceededCount)
        samples.add(tai, [], reading.tai)
        return samples
    }
}
