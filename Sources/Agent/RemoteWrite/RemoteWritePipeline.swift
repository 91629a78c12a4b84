import API
import HostMetrics
import Logging

/// Remote write assembled from the settings: its spool, client, status and sender. `make` returns nil
/// without REMOTE_WRITE_URL. `record` turns a snapshot into every series of /metrics and spools it.
final class RemoteWritePipeline: Sendable {
    let spool: SeriesSpool
    let status: RemoteWriteStatus
    let writer: RemoteWriter
    private let labels: [RemoteWriteLabel]
    private let agent: AgentInfo
    private let logger: Logger

    private init(spool: SeriesSpool, status: RemoteWriteStatus, writer: RemoteWriter, labels: [RemoteWriteLabel], agent: AgentInfo, logger: Logger) {
        self.spool = spool
        self.status = status
        self.writer = writer
        self.labels = labels
        self.agent = agent
        self.logger = logger
    }

    static func make(_ settings: Settings, hostname: String, agent: AgentInfo, logger: Logger) throws -> RemoteWritePipeline? {
        guard let remote = settings.remoteWrite else { return nil }
        let writeLogger = Logger(label: "remote-write")
        if let reason = Snappy.libraryError { throw Snappy.Unavailable(description: reason) }
        let spool = try SeriesSpool(directory: remote.spoolDir, maxBytes: remote.spoolMaxBytes, logger: writeLogger)
        let status = RemoteWriteStatus(spool: spool, url: remote.urlForLog)
        let client = try DashboardClient(
            baseURL: remote.url, caFile: remote.caFile ?? settings.caFile, verifyTLS: settings.tlsVerify,
            connectTimeout: settings.pushConnectTimeout, totalTimeout: settings.pushTimeout,
            clientCertificate: remote.clientCertificate, threadName: "remote-write")
        let writer = RemoteWriter(
            client: client, spool: spool, status: status,
            settings: RemoteWriterSettings(
                maxSamples: remote.maxSamples, retry: RetryPolicy(base: 1, cap: settings.retryMaxSeconds),
                shutdownFlushSeconds: settings.shutdownFlushSeconds, bearerToken: remote.bearerToken,
                idlePause: min(1, settings.collectionInterval)),
            logger: writeLogger)
        var labels = remote.labels
        if !labels.contains(where: { $0.name == "instance" }) { labels.append(RemoteWriteLabel(name: "instance", value: hostname)) }
        if let url = try? DashboardURL.parse(remote.url), url.scheme == "http", !url.isLoopback {
            writeLogger.warning("REMOTE_WRITE_URL is plain http:// to \(url.host): the samples cross the network unencrypted")
        }
        let pending = spool.status.samples
        logger.info("remote write to \(remote.urlForLog); \(pending) samples waiting in \(remote.spoolDir)")
        return RemoteWritePipeline(spool: spool, status: status, writer: writer, labels: labels, agent: agent, logger: writeLogger)
    }

    /// Spools the snapshot's series at the snapshot's own time. A failure (disk full, read-only) is the
    /// spool's to count, log when it starts and ends, and show in health.
    func record(_ snapshot: Snapshot, push: PushReport?) {
        let set = MetricsPage.metricSet(snapshot, agent: agent, push: push, remoteWrite: status.current)
        let timestampMs = Int64((snapshot.timestamp * 1000).rounded())
        try? spool.append(timestampMs: timestampMs, series: RemoteWriteSeries.collection(set, timestampMs: timestampMs, extra: labels))
    }
}
