import HostMetrics
import Logging

/// Runs FilePageRelease when its schedule says, from the sampling thread between passes (never on a
/// request's path), and says what it did: the first release at info, later ones at debug, a failure once.
final class FilePageReleaser: @unchecked Sendable {
    // @unchecked: used only from the sampling thread after each pass.
    private var schedule: FilePageReleaseSchedule
    private var released = 0
    private var failed = false
    /// The last release's files, whose page cache goes again in the two minutes after it, and when: code
    /// read back after a release brings its readahead window with it (up to read_ahead_kb, 8 MiB here),
    /// which maps nothing but is charged to the agent's cgroup. Measured here: 12 MiB of the binary cached,
    /// 4.7 MiB of it mapped, two minutes after a release that was not followed up. nil once that is over.
    private var followUp: (files: [String], drops: PageCacheFollowUp)?
    private let logger: Logger

    init(interval: Double, logger: Logger) {
        schedule = FilePageReleaseSchedule(interval: interval, startedAt: HostClock.monotonic())
        self.logger = logger
    }

    func afterPass() {
        let now = HostClock.monotonic()
        if var followUp, followUp.drops.due(at: now) {
            FilePageRelease.dropPageCache(followUp.files)
            self.followUp = followUp.drops.finished ? nil : followUp
        }
        guard !failed, schedule.due(at: now) else { return }
        let outcome = FilePageRelease.run()
        followUp = (outcome.files, PageCacheFollowUp(releasedAt: now))
        if let failure = outcome.failure {
            failed = true
            logger.warning("cannot release mapped file pages not in use (\(failure)); RSS stays as it is")
            return
        }
        released += 1
        let message: Logger.Message =
            "released \(Self.mib(outcome.rssBeforeKiB - min(outcome.rssBeforeKiB, outcome.rssAfterKiB))) MiB of mapped file pages not in use (\(outcome.mappings) mappings): RSS \(Self.mib(outcome.rssBeforeKiB)) → \(Self.mib(outcome.rssAfterKiB)) MiB"
        if released == 1 { logger.info(message) } else { logger.debug(message) }
    }

    private static func mib(_ kib: UInt64) -> String {
        let tenths = (kib * 10 + 512) / 1024
        return "\(tenths / 10).\(tenths % 10)"
    }
}
