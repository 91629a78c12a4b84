import API
import HostMetrics
import Logging

/// The push side assembled from the settings: spool, client, status and the pusher service. `make`
/// returns nil when no SERVER_URL is set (pull-only).
final class PushPipeline: Sendable {
    let spool: Spool
    let status: PushStatus
    let pusher: Pusher
    private let logger: Logger

    private init(spool: Spool, status: PushStatus, pusher: Pusher, logger: Logger) {
        self.spool = spool
        self.status = status
        self.pusher = pusher
        self.logger = logger
    }

    static func make(_ settings: Settings, store: SnapshotStore, hostname: String, logger: Logger) throws -> PushPipeline? {
        guard !settings.serverURL.isEmpty else { return nil }
        let pushLogger = Logger(label: "push")
        let spool = try Spool(directory: settings.spoolDir, maxBytes: settings.spoolMaxBytes, logger: pushLogger)
        let status = PushStatus(spool: spool)
        warnAboutTransport(settings, logger: pushLogger)
        let client = try DashboardClient(settings: settings)
        let pusher = Pusher(
            client: client, spool: spool, store: store, status: status,
            settings: PushSettings(
                sendInterval: settings.sendInterval, serviceInterval: settings.serviceInterval,
                heartbeatInterval: settings.heartbeatInterval, batchMaxSamples: settings.batchMaxSamples,
                retry: RetryPolicy(base: 1, cap: settings.retryMaxSeconds),
                shutdownFlushSeconds: settings.shutdownFlushSeconds, envFilePath: settings.envFilePath),
            identity: AgentIdentity.make(roots: settings.roots, hostname: hostname), roots: settings.roots,
            token: settings.apiToken, logger: pushLogger)
        let pending = spool.status.samples
        logger.info("pushing to \(settings.serverURLForLog); \(pending) samples waiting in \(settings.spoolDir)")
        return PushPipeline(spool: spool, status: status, pusher: pusher, logger: pushLogger)
    }

    /// Appends the snapshot's dashboard figures to the spool. A failure (disk full, read-only) is the
    /// spool's to count, log when it starts and ends, and show in health.
    func record(_ snapshot: Snapshot) {
        _ = try? spool.append { DashboardSample(sequence: $0, snapshot: snapshot) }
    }

    private static func warnAboutTransport(_ settings: Settings, logger: Logger) {
        if !settings.tlsVerify {
            logger.warning("TLS_VERIFY=false: the dashboard's certificate is not checked; anyone in between can read the token")
        }
        // The loader already checked the URL; a failure here would only mean no warning.
        if let url = try? DashboardURL.parse(settings.serverURL), url.scheme == "http", !url.isLoopback {
            logger.warning("SERVER_URL is plain http:// to \(url.host): the token and the data cross the network unencrypted")
        }
    }
}
