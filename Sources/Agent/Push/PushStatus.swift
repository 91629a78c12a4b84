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
        report.withLock { change(&$0) }
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
            copy.samplesCorrupt = spoolStatus.corrupt
            copy.samplesLost = spoolStatus.lost
            copy.spoolError = spoolStatus.problem
            return copy
        }
    }
}
