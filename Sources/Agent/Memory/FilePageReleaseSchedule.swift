/// When to release file pages (FilePageRelease): once the agent has done each of its jobs at least once —
/// the first passes, scrapes, a heartbeat and a batch (the first batch goes out after `SEND_INTERVAL`, 30 s
/// by default), libraries loaded — and then every `MEMORY_TRIM_INTERVAL`, since code that runs rarely (a
/// retry path, a reload) maps pages again over time. Times are the monotonic clock's seconds, passed in.
struct FilePageReleaseSchedule: Sendable, Equatable {
    /// After start-up, before the first release: long enough for each job to have run once by default.
    static let settle: Double = 60

    private var next: Double?
    private let interval: Double

    /// `interval` 0 turns releasing off. An interval shorter than `settle` also starts sooner.
    init(interval: Double, startedAt: Double) {
        self.interval = interval
        next = interval > 0 ? startedAt + min(Self.settle, interval) : nil
    }

    /// true when a release is due at `now`; the next is then scheduled one interval later.
    mutating func due(at now: Double) -> Bool {
        guard let next, now >= next else { return false }
        // A pass that ran late (a stopped process, a suspended VM) does not release twice to catch up.
        self.next = next + interval > now ? next + interval : now + interval
        return true
    }
}
