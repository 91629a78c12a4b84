import API
import Testing

@testable import HostMetrics

@Suite struct TimexTests {
    /// A clock disciplined by an NTP daemon in microsecond mode: adjtimex(2)'s units, node_exporter's figures.
    @Test func microsecondReadingInNodeExportersUnits() {
        let reading = TimexReading(
            state: 0, status: 0x0001, offset: -1_500, frequency: -655_360, maxError: 16_000, estimatedError: 250,
            constant: 7, tick: 10_000, ppsFrequency: 131_072, jitter: 200, shift: 4, stability: 65_536,
            jitterCount: 3, calibrationCount: 40, errorCount: 1, stabilityExceededCount: 2, tai: 37)
        let samples = TimexCollector.samples(reading)
        #expect(samples.value("node_timex_sync_status") == 1)
        #expect(samples.value("node_timex_offset_seconds") == -0.0015)
        #expect(samples.value("node_timex_frequency_adjustment_ratio") == 1 - 10e-6, "-10 ppm")
        #expect(samples.value("node_timex_maxerror_seconds") == 0.016)
        #expect(samples.value("node_timex_estimated_error_seconds") == 0.00025)
        #expect(samples.value("node_timex_status") == 1)
        #expect(samples.value("node_timex_loop_time_constant") == 7)
        #expect(samples.value("node_timex_tick_seconds") == 0.01)
        #expect(samples.value("node_timex_pps_frequency_hertz") == 2e-6)
        #expect(samples.value("node_timex_pps_jitter_seconds") == 0.0002)
        #expect(samples.value("node_timex_pps_shift_seconds") == 4)
        #expect(samples.value("node_timex_pps_stability_hertz") == 1e-6)
        #expect(samples.value("node_timex_pps_jitter_total") == 3)
        #expect(samples.value("node_timex_pps_calibration_total") == 40)
        #expect(samples.value("node_timex_pps_error_total") == 1)
        #expect(samples.value("node_timex_pps_stability_exceeded_total") == 2)
        #expect(samples.value("node_timex_tai_offset_seconds") == 37)
        #expect(Set(samples.samples.map(\.descriptor.name)) == Set(TimexCollector.info.exports))
        #expect(samples.samples.count == 17)
    }

    /// STA_NANO: offset and jitter are nanoseconds; the error estimates and the tick stay microseconds.
    @Test func nanosecondModeScalesOnlyOffsetAndJitter() {
        let reading = TimexReading(
            status: TimexReading.staNano | 0x0001, offset: 2_500_000, maxError: 1_000, estimatedError: 1_000, tick: 10_000,
            jitter: 750)
        let samples = TimexCollector.samples(reading)
        #expect(samples.value("node_timex_offset_seconds") == 0.0025)
        #expect(samples.value("node_timex_pps_jitter_seconds") == 7.5e-7)
        #expect(samples.value("node_timex_maxerror_seconds") == 0.001)
        #expect(samples.value("node_timex_estimated_error_seconds") == 0.001)
        #expect(samples.value("node_timex_tick_seconds") == 0.01)
        #expect(samples.value("node_timex_status") == 0x2001)
    }

    /// TIME_ERROR is the only state that counts as unsynchronised; a leap second pending (TIME_INS) does not.
    @Test func onlyTimeErrorIsUnsynchronised() {
        for state: Int32 in 0...4 {
            #expect(TimexCollector.samples(TimexReading(state: state)).value("node_timex_sync_status") == 1, "\(state)")
        }
        let unsynced = TimexReading(state: TimexReading.timeError, status: 0x0040)
        #expect(TimexCollector.samples(unsynced).value("node_timex_sync_status") == 0)
        #expect(!unsynced.isSynchronized)
    }

    @Test func aRefusedCallIsAnEmptySectionAndOtherFailuresFail() throws {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
        let instant = SampleInstant(monotonic: 1, wall: 1)
        func failing(_ errno: Int32) -> TimexCollector {
            TimexCollector(read: { () throws(SystemCallError) -> TimexReading in throw SystemCallError(call: "adjtimex", errno: errno) })
        }
        try failing(1).collect(into: &snapshot, at: instant)
        #expect(snapshot.section("timex", as: MetricSamples.self)?.samples.isEmpty == true)
        #expect(throws: SystemCallError.self) {
            try failing(22).collect(into: &snapshot, at: instant)
        }
    }

    /// The real call, read-only: the kernel's tick is 1/HZ of a second and the state one adjtimex(2) lists.
    @Test func theKernelAnswersWithoutPrivilegeOrChange() throws {
        let first = try Adjtimex.read()
        #expect(first.tick > 0 && first.tick <= 1_000_000)
        #expect((0...5).contains(first.state))
        #expect(first.maxError >= 0 && first.estimatedError >= 0)
        let again = try Adjtimex.read()
        #expect(again.frequency == first.frequency && again.status == first.status, "modes = 0 changes nothing")
    }
}
