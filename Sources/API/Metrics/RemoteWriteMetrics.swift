/// The remote-write pipeline's families: what was sent, what waits, what was refused or lost.
public enum RemoteWriteMetrics {
    public static let up = MetricDescriptor(
        "shelteragent_remote_write_up", .gauge, "1 if the receiver answered the last request, 0 if it failed.")
    public static let lastSuccess = MetricDescriptor(
        "shelteragent_remote_write_last_success_timestamp_seconds", .gauge, "When the receiver last accepted a request.")
    public static let samplesSent = MetricDescriptor(
        "shelteragent_remote_write_samples_sent_total", .counter, "Samples the receiver accepted.")
    public static let requestsSent = MetricDescriptor(
        "shelteragent_remote_write_requests_sent_total", .counter, "Requests the receiver accepted.")
    public static let bytesSent = MetricDescriptor(
        "shelteragent_remote_write_sent_bytes_total", .counter, "Compressed request bodies the receiver accepted, in bytes.")
    public static let samplesRejected = MetricDescriptor(
        "shelteragent_remote_write_samples_rejected_total", .counter,
        "Samples in requests the receiver refused as invalid, set aside in the spool's rejected/ directory.")
    public static let failures = MetricDescriptor(
        "shelteragent_remote_write_failed_attempts_total", .counter, "Requests that failed and will be retried.")
    public static let pending = MetricDescriptor(
        "shelteragent_remote_write_pending_samples", .gauge, "Samples waiting in the remote-write spool.")
    public static let spoolBytes = MetricDescriptor(
        "shelteragent_remote_write_spool_bytes", .gauge, "Size of the remote-write spool on disk.")
    public static let oldest = MetricDescriptor(
        "shelteragent_remote_write_oldest_pending_timestamp_seconds", .gauge, "When the oldest waiting sample was collected.")
    public static let dropped = MetricDescriptor(
        "shelteragent_remote_write_dropped_samples_total", .counter,
        "Samples dropped, oldest first, because the remote-write spool was full.")
    public static let corrupt = MetricDescriptor(
        "shelteragent_remote_write_corrupt_collections_total", .counter, "Collections lost to damaged spool records.")
    public static let lost = MetricDescriptor(
        "shelteragent_remote_write_lost_samples_total", .counter, "Samples the spool could not write (disk full, read-only, I/O error).")

    public static func add(_ report: RemoteWriteReport, to set: inout MetricSet) {
        if let reachable = report.receiverReachable { set.add(up, [], reachable ? 1 : 0) }
        set.add(lastSuccess, [], report.lastSuccessTime)
        set.add(samplesSent, [], report.samplesSent)
        set.add(requestsSent, [], report.requestsSent)
        set.add(bytesSent, [], report.wireBytesSent)
        set.add(samplesRejected, [], report.samplesRejected)
        set.add(failures, [], report.failedAttempts)
        set.add(pending, [], report.pendingSamples)
        set.add(spoolBytes, [], report.spoolBytes)
        set.add(oldest, [], report.oldestPendingTime)
        set.add(dropped, [], report.samplesDropped)
        set.add(corrupt, [], report.collectionsCorrupt)
        set.add(lost, [], report.samplesLost)
    }
}
