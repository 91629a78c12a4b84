import API
import Synchronization

/// The one owner of the push pipeline's state as others see it (health, /metrics); the pusher updates it.
final class PushStatus: Sendable {
    private let report = Mutex(PushReport())
    private let spool: Spool

    init(spool: Spool) {
        self.spool = spool
    }

    func update(_ change: (inout PushReport) -> Void) {
        report.withLock { report in
            let before = report
            change(&report)
            if report != before { report.version &+= 1 }
        }
    }

    /// The report with the spool's figures as they are now.
    var current: PushReport {
        let spoolStatus = spool.status
        return report.withLock { report in
            var copy = report
            copy.spoolSamples = spoolStatus.samples
            copy.spoolBytes = spoolStatus.bytes
            copy.spoolOldestTime = spoolStatus.oldestTime
            copy.samplesDropped = spoolStatus.dropped
            // Spool changes move the version too, so a cached page is never stale about them.
            copy.version = copy.version &+ UInt64(spoolStatus.samples) &* 1_000_003 &+ spoolStatus.dropped
            return copy
        }
    }
}
