#if canImport(Glibc)
    import Glibc
#endif

import CSystemCalls

/// adjtimex(2) in read-only mode (modes = 0, which needs no privilege): the kernel's clock discipline.
enum Adjtimex {
    static func read() throws(SystemCallError) -> TimexReading {
        var raw = csc_timex()
        guard csc_read_timex(&raw) == 0 else { throw SystemCallError(call: "adjtimex", errno: errno) }
        return TimexReading(
            state: raw.state, status: raw.status, offset: Int64(raw.offset), frequency: Int64(raw.freq),
            maxError: Int64(raw.maxerror), estimatedError: Int64(raw.esterror), constant: Int64(raw.constant),
            tick: Int64(raw.tick), ppsFrequency: Int64(raw.ppsfreq), jitter: Int64(raw.jitter), shift: raw.shift,
            stability: Int64(raw.stabil), jitterCount: Int64(raw.jitcnt), calibrationCount: Int64(raw.calcnt),
            errorCount: Int64(raw.errcnt), stabilityExceededCount: Int64(raw.stbcnt), tai: raw.tai)
    }
}
