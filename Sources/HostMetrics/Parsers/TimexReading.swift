/// What adjtimex(2) returned, in the kernel's own units (struct timex, adjtimex(2) NOTES), and the figures
/// node_exporter's timex collector turns them into. Pure, so the conversions are tested on literal values.
public struct TimexReading: Sendable, Equatable {
    /// The call's return value: the clock state, TIME_OK (0) ... TIME_ERROR (5).
    public var state: Int32
    /// STA_* bits.
    public var status: Int32
    /// Microseconds, or nanoseconds when `status` has STA_NANO.
    public var offset: Int64
    /// Parts per million, scaled by 2^16.
    public var frequency: Int64
    /// Microseconds.
    public var maxError: Int64
    public var estimatedError: Int64
    public var constant: Int64
    /// Microseconds between clock ticks.
    public var tick: Int64
    /// Parts per million, scaled by 2^16.
    public var ppsFrequency: Int64
    /// Microseconds, or nanoseconds with STA_NANO.
    public var jitter: Int64
    /// The PPS calibration interval, as a power of two seconds.
    public var shift: Int32
    /// Parts per million, scaled by 2^16.
    public var stability: Int64
    public var jitterCount: Int64
    public var calibrationCount: Int64
    public var errorCount: Int64
    public var stabilityExceededCount: Int64
    /// Seconds between TAI and UTC.
    public var tai: Int32

    public init(
        state: Int32 = 0, status: Int32 = 0, offset: Int64 = 0, frequency: Int64 = 0, maxError: Int64 = 0,
        estimatedError: Int64 = 0, constant: Int64 = 0, tick: Int64 = 0, ppsFrequency: Int64 = 0,
        jitter: Int64 = 0, shift: Int32 = 0, stability: Int64 = 0, jitterCount: Int64 = 0,
        calibrationCount: Int64 = 0, errorCount: Int64 = 0, stabilityExceededCount: Int64 = 0, tai: Int32 = 0
    ) {
        self.state = state
        self.status = status
        self.offset = offset
        self.frequency = frequency
        self.maxError = maxError
        self.estimatedError = estimatedError
        self.constant = constant
        self.tick = tick
        self.ppsFrequency = ppsFrequency
        self.jitter = jitter
        self.shift = shift
        self.stability = stability
        self.jitterCount = jitterCount
        self.calibrationCount = calibrationCount
        self.errorCount = errorCount
        self.stabilityExceededCount = stabilityExceededCount
        self.tai = tai
    }

    /// <sys/timex.h>: the clock is not synchronised to a reliable source.
    public static let timeError: Int32 = 5
    /// <sys/timex.h>: offset and jitter are in nanoseconds rather than microseconds.
    public static let staNano: Int32 = 0x2000
    /// adjtimex(2): frequencies are ppm with a 16-bit binary fraction.
    static let scaledPPM = 1_000_000.0 * 65_536.0

    /// Every state but TIME_ERROR counts as synchronised, as node_exporter's sync_status does.
    public var isSynchronized: Bool { state != Self.timeError }
    private var fineUnitsPerSecond: Double { status & Self.staNano != 0 ? 1e9 : 1e6 }

    public var offsetSeconds: Double { Double(offset) / fineUnitsPerSecond }
    public var jitterSeconds: Double { Double(jitter) / fineUnitsPerSecond }
    /// The clock's rate against nominal: 1 plus the frequency correction.
    public var frequencyRatio: Double { 1 + Double(frequency) / Self.scaledPPM }
    public var maxErrorSeconds: Double { Double(maxError) / 1e6 }
    public var estimatedErrorSeconds: Double { Double(estimatedError) / 1e6 }
    public var tickSeconds: Double { Double(tick) / 1e6 }
    // node_exporter divides these by 2^16 ppm too, which leaves them as fractions rather than hertz; kept
    // so the values match its page.
    public var ppsFrequencyHertz: Double { Double(ppsFrequency) / Self.scaledPPM }
    public var ppsStabilityHertz: Double { Double(stability) / Self.scaledPPM }
}
