import API
import HostMetrics
import Logging
import ServiceLifecycle

/// Settings of the remote-write sender.
struct RemoteWriterSettings: Sendable {
    var maxSamples: Int
    var retry: RetryPolicy
    var shutdownFlushSeconds: Double
    var bearerToken: String?
    /// How often an empty spool is looked at again (the collection interval, at most a second).
    var idlePause: Double
}

/// Sends the remote-write spool's samples, oldest first, one batch after another while there is a
/// backlog (so it drains faster than collection adds to it), as the `DeliveryMachine` decides: 2xx
/// acknowledges, 5xx/429/408/401 and network errors back off (honouring Retry-After), other 4xx set
/// the batch aside. On shutdown it makes one final attempt within SHUTDOWN_FLUSH_SECONDS.
///
/// Like the pusher's, its schedule runs blocking on the client's thread, sleeping on a `StopSignal`: the
/// spool's reads, the compression and the requests wake no other thread (as a task, every look at an empty
/// spool, once a second, woke the executor thread).
final class RemoteWriter: Service, @unchecked Sendable {
    // @unchecked: everything mutable below is used only on the client's thread, by the schedule run() starts
    // there (the service group calls run() once), then by the final flush.
    private let client: DashboardClient
    private let spool: SeriesSpool
    private let status: RemoteWriteStatus
    private let settings: RemoteWriterSettings
    private let logger: Logger
    private var machine: DeliveryMachine
    private var link = DashboardLink(peer: "remote-write receiver")
    private var rejectionsLogged: Set<Int> = []
    /// Raised at graceful shutdown: ends the schedule's sleep.
    private let stop = StopSignal()

    static let headers = ["Content-Encoding: snappy", "X-Prometheus-Remote-Write-Version: 0.1.0"]
    static let contentType = "application/x-protobuf"

    init(client: DashboardClient, spool: SeriesSpool, status: RemoteWriteStatus, settings: RemoteWriterSettings, logger: Logger) {
        self.client = client
        self.spool = spool
        self.status = status
        self.settings = settings
        self.logger = logger
        machine = DeliveryMachine(policy: settings.retry, authentication: .credentials, seed: UInt64.random(in: 0...UInt64.max))
    }

    func run() async throws {
        await client.runUntilShutdown(stop: stop, { self.schedule() }) { started in
            self.finalFlush(deadline: started + self.settings.shutdownFlushSeconds)
        }
    }

    private func schedule() {
        while !stop.raised {
            let now = HostClock.monotonic()
            var pause = settings.idlePause
            switch machine.next(now: now) {
            case .send:
                if sendBatch(deadline: nil) { continue }
            case .wait(let until):
                pause = until - now
            case .setAside, .register, .halt:
                break
            }
            if !stop.sleep(seconds: max(0.01, min(pause, 60))) { break }
        }
    }

    /// Sends the oldest batch; true when it left the spool (sent or set aside), so the next may follow.
    private func sendBatch(deadline: Double?) -> Bool {
        guard let batch = spool.nextBatch(limit: settings.maxSamples) else { return false }
        let remaining = deadline.map { $0 - HostClock.monotonic() }
        if let remaining, remaining <= 0 { return false }
        let body: [UInt8]
        do {
            body = try batch.body ?? Snappy.compress(RemoteWriteProtobuf.encode(batch.series))
        } catch {
            noteFailure("cannot compress: \(error)")
            return false
        }
        let answer = client.sendHere(
            "POST", "", body: body, token: settings.bearerToken, timeout: remaining, contentType: Self.contentType,
            headers: Self.headers)
        let delivery = Delivery(answer)
        switch machine.decide(.answered(delivery), now: HostClock.monotonic()) {
        case .send:
            spool.acknowledge(through: batch.end)
            let left = spool.status.samples
            link.succeeded(at: HostClock.monotonic(), samplesSent: batch.samples, backlogLeft: left, logger: logger)
            status.update { report in
                report.receiverReachable = true
                report.lastError = nil
                report.samplesSent += UInt64(batch.samples)
                report.requestsSent += 1
                report.wireBytesSent += UInt64(body.count)
                report.lastSuccessTime = HostClock.wall()
            }
            return true
        case .setAside(let code, let answer):
            setAside(batch, body: body, status: code, answer: answer)
            return true
        case .wait, .register, .halt:
            if case .retry(let reason, _) = delivery { noteFailure(reason) } else { noteFailure("HTTP 401: check REMOTE_WRITE_BEARER_TOKEN or the URL's credentials") }
            return false
        }
    }

    /// The spec says not to retry a 4xx: the batch goes to rejected/ (the request body as sent, and the
    /// answer), is counted, and the first refusal of each status is logged.
    private func setAside(_ batch: SeriesSpool.Batch, body: [UInt8], status code: Int, answer: String) {
        let directory = spool.directory + "/rejected"
        let path = "\(directory)/\(batch.id)"
        do {
            try DurableFile.makeDirectory(directory)
            try DurableFile.replace(path + ".snappy", with: body, mode: 0o600)
            try DurableFile.replace(path + ".answer", with: Array("HTTP \(code)\n\(answer)\n".utf8), mode: 0o600)
        } catch {
            logger.error("cannot set aside rejected remote-write batch \(batch.id): \(error)")
        }
        if rejectionsLogged.insert(code).inserted {
            logger.error(
                "the remote-write receiver refused \(batch.samples) samples with HTTP \(code): \(answer.prefix(300)); set aside in \(path).snappy (further refusals with \(code) are counted, not logged)")
        }
        spool.acknowledge(through: batch.end)
        status.update { report in
            report.receiverReachable = true
            report.samplesRejected += UInt64(batch.samples)
            report.requestsRejected += 1
        }
    }

    private func noteFailure(_ reason: String) {
        link.failed(at: HostClock.monotonic(), reason: reason, logger: logger)
        status.update { report in
            report.receiverReachable = false
            report.lastError = reason
            report.failedAttempts += 1
        }
    }

    private func finalFlush(deadline: Double) {
        guard spool.status.samples > 0 else { return }
        while HostClock.monotonic() < deadline, spool.status.samples > 0 {
            guard sendBatch(deadline: deadline) else { break }
        }
        let left = spool.status.samples
        logger.info(left == 0 ? "remote write: final flush sent everything" : "remote write: \(left) samples stay in the spool for the next start")
    }
}
