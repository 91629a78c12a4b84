/// How long to wait before trying again: exponential backoff from one second, doubling per consecutive
/// failure up to a cap, with "equal jitter" (half fixed, half random) so a fleet of agents recovering from
/// one outage does not return in step. A server's Retry-After wins (bounded to an hour).
struct RetryPolicy: Sendable, Equatable {
    var base: Double = 1
    var cap: Double = 300

    /// `random` is in 0..<1; the caller passes a random number, tests pass fixed ones.
    func delay(afterFailures failures: Int, retryAfter: Double?, random: Double) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), 3600) }
        let exponent = min(max(failures - 1, 0), 30)
        let ceiling = min(cap, base * Double(UInt64(1) << UInt64(exponent)))
        return ceiling / 2 + ceiling / 2 * random
    }
}
