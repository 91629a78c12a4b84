import API
import Synchronization

/// The one owner of the remote-write pipeline's state as others see it (health, /metrics); the writer
/// updates it, the spool's figures are read as they are now. Never waits for the spool's disk writes.
final class RemoteWriteStatus: Sendable {
    private let report: Mutex<RemoteWriteReport>
    private let spool: SeriesSpool

    init(spool: SeriesSpool, url: String) {
        self.spool = spool
        var report = RemoteWriteReport()
        report.url = url
        self.report = Mutex(report)
    }

    func update(_ change: (inout RemoteWriteReport) -> Void) {
        report.withLock { change(&$0) }
    }

    var current: RemoteWriteReport {
        let spoolStatus = spool.status
        return report.withLock { report in
            var copy = report
            copy.pendingSamples = spoolStatus.samples
            copy.spoolBytes = spoolStatus.bytes
            copy.oldestPendingTime = spoolStatus.oldestTimestampMs.map { Double($0) / 1000 }
            copy.samplesDropped = spoolStatus.dropped
            copy.collectionsCorrupt = spoolStatus.corrupt
            copy.samplesLost = spoolStatus.lost
            copy.spoolError = spoolStatus.problem
            return copy
        }
    }
}
