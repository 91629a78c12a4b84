/// When to drop the released files' page cache again after a release: code read back brings its readahead
/// window with it, most of it in the first passes after the release, less and less after. So the drops
/// follow at doubling gaps (5, 10, 20, 40, 80 s after it) rather than after every pass for two minutes:
/// 5 drops instead of 24, each a walk of the files' page cache (0.2-0.4 ms in the running agent).
struct PageCacheFollowUp: Sendable, Equatable {
    static let firstGap: Double = 5
    static let lastAfter: Double = 120

    private let releasedAt: Double
    private var next: Double?

    init(releasedAt: Double) {
        self.releasedAt = releasedAt
        next = releasedAt + Self.firstGap
    }

    /// true when a drop is due at `now`; the next then waits twice as long since the release.
    mutating func due(at now: Double) -> Bool {
        guard let next, now >= next else { return false }
        var following = releasedAt + 2 * (next - releasedAt)
        while following <= now { following = releasedAt + 2 * (following - releasedAt) }
        self.next = following - releasedAt <= Self.lastAfter ? following : nil
        return true
    }

    var finished: Bool { next == nil }
}
