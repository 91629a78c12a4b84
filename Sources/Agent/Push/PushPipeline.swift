import API
import HostMetrics
import Logging
import Synchronization

/// The push side assembled from the settings: spool, client, status and the pusher service. `make`
/// returns nil when no SERVER_URL is set (pull-only).
final class PushPipeline: Sendable {
    let spool: Spool
    let status: PushStatus
    let pusher: Pusher
    private let logger: Logger
    private let appendFailing = Mutex(false)

    private init(spool: Spool, status: PushStatus, pusher: Pusher, logger: Logger) {
        self.spool = spool
        self.status = status
        self.pusher = pusher
        self.logger = logger
    }

    static func make(_ settings: Settings, store: SnapshotStore, hostname: String, logger: Logger) throws -> PushPipeline? {
        guard !settings.serverURL.isEmpty else { return nil }
        let pushLogger = Logger(label: "push")
        let spool = try Spool(directory: settings.spoolDir, maxBytes: settings.spoolMaxBytes)
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

    /// Appends the snapshot's dashboard figures to the spool; a failure (disk full) is logged when it
    /// starts and when it ends.
    func record(_ snapshot: Snapshot) {
        do {
            try spool.append { DashboardSample(sequence: $0, snapshot: snapshot) }
            if appendFailing.withLock({ failing in defer { failing = false }; return failing }) {
                logger.info("the spool accepts samples again")
            }
        } catch {
            if !appendFailing.withLock({ failing in defer { failing = true }; return failing }) {
                logger.error("cannot write to the spool, samples are being lost: \(error)")
            }
        }
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
