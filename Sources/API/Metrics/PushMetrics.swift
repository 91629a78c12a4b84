/// The push pipeline's families: what was sent, what waits in the spool, what was lost.
public enum PushMetrics {
    public static let up = MetricDescriptor(
        "shelteragent_push_dashboard_up", .gauge, "1 if the dashboard answered the last request, 0 if it failed.")
    public static let registered = MetricDescriptor(
        "shelteragent_push_registered", .gauge, "1 once the agent holds a token the dashboard accepts.")
    public static let lastSuccess = MetricDescriptor(
        "shelteragent_push_last_success_timestamp_seconds", .gauge, "When the dashboard last accepted a batch.")
    public static let samplesSent = MetricDescriptor(
        "shelteragent_push_samples_sent_total", .counter, "Samples the dashboard accepted.")
    public static let batchesSent = MetricDescriptor(
        "shelteragent_push_batches_sent_total", .counter, "Metric batches the dashboard accepted.")
    public static let batchesRejected = MetricDescriptor(
        "shelteragent_push_batches_rejected_total", .counter, "Batches the dashboard refused (422) and that were set aside.")
    public static let failures = MetricDescriptor(
        "shelteragent_push_failed_attempts_total", .counter, "Requests to the dashboard that failed and will be retried.")
    public static let spoolSamples = MetricDescriptor(
        "shelteragent_spool_samples", .gauge, "Samples waiting in the spool.")
    public static let spoolBytes = MetricDescriptor("shelteragent_spool_bytes", .gauge, "Size of the spool on disk.")
    public static let spoolOldest = MetricDescriptor(
        "shelteragent_spool_oldest_sample_timestamp_seconds", .gauge, "When the oldest waiting sample was collected.")
    public static let dropped = MetricDescriptor(
        "shelteragent_spool_dropped_samples_total", .counter, "Samples dropped, oldest first, because the spool was full.")
    public static let corrupt = MetricDescriptor(
        "shelteragent_spool_corrupt_samples_total", .counter,
        "Unsent samples lost to damaged spool records (skipped, the rest kept), found when the spool was opened.")
    public static let lost = MetricDescriptor(
        "shelteragent_spool_lost_samples_total", .counter, "Samples the spool could not write (disk full, read-only, I/O error).")
    public static let writable = MetricDescriptor(
        "shelteragent_spool_writable", .gauge, "1 if the spool's last writes succeeded, 0 while it cannot be written or read.")

    static func add(_ push: PushReport, to set: inout MetricSet) {
        if let reachable = push.dashboardReachable { set.add(up, [], reachable ? 1 : 0) }
        set.add(registered, [], push.registration == "registered" ? 1 : 0)
        set.add(lastSuccess, [], push.lastSuccessTime)
        set.add(samplesSent, [], push.samplesSent)
        set.add(batchesSent, [], push.batchesSent)
        set.add(batchesRejected, [], push.batchesRejected)
        set.add(failures, [], push.failedAttempts)
        set.add(spoolSamples, [], push.spoolSamples)
        set.add(spoolBytes, [], push.spoolBytes)
        set.add(spoolOldest, [], push.spoolOldestTime)
        set.add(dropped, [], push.samplesDropped)
        set.add(corrupt, [], push.samplesCorrupt)
        set.add(lost, [], push.samplesLost)
        set.add(writable, [], push.spoolError == nil ? 1 : 0)
    }
}
