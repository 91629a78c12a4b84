import API
import HostMetrics
import Logging
import ServiceLifecycle

/// Settings of the push pipeline.
struct PushSettings: Sendable {
    var sendInterval: Double
    var serviceInterval: Double
    var heartbeatInterval: Double
    var batchMaxSamples: Int
    var retry: RetryPolicy
    var shutdownFlushSeconds: Double
    var envFilePath: String
    /// Pause between batches while a backlog drains, so recovery is not a burst.
    var drainPause: Double = 0.2
}

/// Registers, then sends the spool's samples in batches every SEND_INTERVAL, the process list every
/// SERVICE_INTERVAL and a heartbeat every HEARTBEAT_INTERVAL, retrying with backoff; on shutdown it makes
/// one final attempt to send what is buffered, within a bounded time. It never exits because the
/// dashboard is unreachable: the spool keeps every sample until the dashboard takes it.
///
/// The whole schedule runs on the client's thread, blocking: its requests, the spool's reads and
/// acknowledgements, and the sleeps between them (a `StopSignal`), so a heartbeat wakes that one thread and
/// no other. As a task it woke the executor thread three times per request (the sleep's timer, the hand-off
/// to the client's thread, the answer back): measured on this VM, 0.3 ms of the executor's CPU per
/// heartbeat, half of what a heartbeat cost.
final class Pusher: Service, @unchecked Sendable {
    // @unchecked: everything mutable below is used only on the client's thread, by the schedule run() starts
    // there (the service group calls run() once), then by the final flush.
    private let client: DashboardClient
    private let spool: Spool
    private let store: SnapshotStore
    private let status: PushStatus
    private let settings: PushSettings
    private let identity: AgentIdentity
    private let roots: HostRoots
    private let logger: Logger
    private var token: String?
    /// Retry, backoff, registration and 401: what to do next is the machine's to decide.
    private var machine: DeliveryMachine
    /// The last registration refusal logged: the same one again is not logged on every retry.
    private var lastRefusal: String?
    private var link = DashboardLink()
    private var rejectionLogged: Set<String> = []
    /// Raised at graceful shutdown: ends the schedule's sleep.
    private let stop = StopSignal()

    init(
        client: DashboardClient, spool: Spool, store: SnapshotStore, status: PushStatus, settings: PushSettings,
        identity: AgentIdentity, roots: HostRoots, token: String?, logger: Logger
    ) {
        self.client = client
        self.spool = spool
        self.store = store
        self.status = status
        self.settings = settings
        self.identity = identity
        self.roots = roots
        self.token = token?.isEmpty == false ? token : nil
        self.logger = logger
        self.machine = DeliveryMachine(policy: settings.retry, authentication: .registration, seed: UInt64.random(in: 0...UInt64.max))
        status.update { $0.agentId = identity.agentId }
    }

    func run() async throws {
        await client.runUntilShutdown(stop: stop, { self.schedule() }) { started in
            self.finalFlush(deadline: started + self.settings.shutdownFlushSeconds)
        }
    }

    private func schedule() {
        let now = HostClock.monotonic()
        var nextSend = now
        var nextServices = now + min(settings.serviceInterval, settings.sendInterval)
        var nextHeartbeat = now + settings.heartbeatInterval
        while !stop.raised {
            let now = HostClock.monotonic()
            if machine.next(now: now) == .register { establish() }
            // A backoff (or a server's Retry-After) holds every request, not only batches: checked before each.
            var mayRequest: Bool { machine.next(now: HostClock.monotonic()) == .send }
            if mayRequest && now >= nextSend {
                let backlogLeft = sendBacklog(deadline: nil)
                nextSend = HostClock.monotonic() + (backlogLeft ? settings.drainPause : settings.sendInterval)
            }
            if mayRequest && now >= nextServices {
                pushServices()
                nextServices = now + settings.serviceInterval
            }
            if mayRequest && now >= nextHeartbeat {
                heartbeat()
                nextHeartbeat = now + settings.heartbeatInterval
            }
            let later = HostClock.monotonic()
            var wake = [nextSend, nextServices, nextHeartbeat, machine.retryAt].filter { $0 > later }.min() ?? (now + 1)
            switch machine.next(now: later) {
            case .register: wake = later + 0.05
            case .wait(let until) where machine.phase != .ready: wake = until
            case .halt: wake = later + 60  // nothing to do until the operator acts
            default: break
            }
            if !stop.sleep(seconds: max(0.05, min(wake - HostClock.monotonic(), 60))) { break }
        }
    }

    // MARK: - Registration

    /// Establishes a working token, as the machine asks: checks a saved token with a heartbeat first, else
    /// registers and confirms the new token with a heartbeat. What failed, the machine has been told.
    private func establish() {
        if let token {
            let (delivery, action) = request("POST", "/agent/heartbeat", DashboardPayloads.heartbeat(agentId: identity.agentId), token: token)
            guard action == .register else { return concludeRegistration(delivery, action) }
            logger.warning("the dashboard refuses the saved API_TOKEN; registering again")
            self.token = nil
        }
        guard let payload = registrationPayload() else {
            _ = machine.decide(.cannotRegisterYet, now: HostClock.monotonic())
            return noteFailure("no snapshot yet to register with")
        }
        let newToken = payload.apiToken
        _ = machine.decide(.registering, now: HostClock.monotonic())
        let (delivery, _) = request("POST", "/agent/register", DashboardPayloads.registration(payload), token: nil)
        switch delivery {
        case .accepted:
            do {
                try TokenStore.save(token: newToken, to: settings.envFilePath)
                logger.info("registered as \(identity.agentId); token saved to \(settings.envFilePath) (mode 0600)")
            } catch {
                logger.error("registered, but could not save the token to \(settings.envFilePath): \(error)")
            }
            token = newToken
            // The quirk: a known HWID keeps its old token although the new one is echoed back.
            let (confirmation, action) = request("POST", "/agent/heartbeat", DashboardPayloads.heartbeat(agentId: identity.agentId), token: newToken)
            concludeRegistration(confirmation, action)
        case .rejected(let code, let body):
            let refusal = "HTTP \(code): \(body.prefix(300))"
            if refusal != lastRefusal { logger.error("the dashboard refused registration (\(refusal))") }
            lastRefusal = refusal
            noteFailure("registration not accepted")
        case .unauthorized:
            noteFailure("registration not accepted")
        case .retry:
            return
        }
    }

    /// After a heartbeat that checks a token: registered, blocked, or (the machine backing off) not yet.
    private func concludeRegistration(_ delivery: Delivery, _ action: DeliveryMachine.Action) {
        if action == .halt { return blockAuthentication() }
        if machine.phase == .ready { return markRegistered() }
        if case .retry = delivery { return }  // already counted as a failure by request()
        noteFailure("registration not accepted")
    }

    private func registrationPayload() -> DashboardPayloads.Registration? {
        guard let snapshot = store.latest else { return nil }
        return DashboardPayloads.Registration(
            agentId: identity.agentId, hwid: identity.hwid, hostname: identity.hostname,
            ipAddress: AgentIdentity.primaryAddress() ?? "127.0.0.1", osType: "Linux",
            osVersion: AgentIdentity.osVersion(roots.rootfs), apiToken: identity.newToken(),
            cpuCores: snapshot.cpu?.cores ?? 1, totalMemory: snapshot.memory?.totalBytes ?? 0,
            totalDisk: snapshot.filesystems?.totalBytes ?? 0)
    }

    private func markRegistered() {
        lastRefusal = nil
        status.update { report in
            report.registration = "registered"
            report.operatorAction = nil
        }
    }

    private func blockAuthentication() {
        let action =
            "The dashboard already knows this machine (hwid \(identity.hwid)) and kept the token it had, so it refuses "
            + "ours. Delete agent \(identity.agentId) on the dashboard, or put its old token in API_TOKEN in "
            + "\(settings.envFilePath), then restart the agent. Samples keep being collected and spooled meanwhile."
        logger.error("\(action)")
        status.update { report in
            report.registration = "token_rejected"
            report.operatorAction = action
        }
    }

    /// After whatever answer, the machine may ask for a registration (a 401) or a halt (blocked).
    private func follow(_ action: DeliveryMachine.Action) {
        switch action {
        case .register:
            logger.warning("the dashboard answered 401; registering again once")
            token = nil
            status.update { $0.registration = "registering" }
            establish()
        case .halt:
            blockAuthentication()
        case .send, .wait, .setAside:
            return
        }
    }

    // MARK: - Sending

    /// Sends batches, oldest first, until the spool is empty, a send fails, or `deadline` passes; true when
    /// samples are still waiting and the last send succeeded (keep draining).
    private func sendBacklog(deadline: Double?) -> Bool {
        while true {
            guard let batch = spool.nextBatch(limit: settings.batchMaxSamples) else { return false }
            let remaining = deadline.map { $0 - HostClock.monotonic() }
            if let remaining, remaining <= 0 { return true }
            guard let body = DashboardPayloads.metrics(agentId: identity.agentId, batchId: batch.id, samples: batch.samples)
            else {
                acknowledge(batch)  // nothing in it the dashboard could take (first samples without rates)
                continue
            }
            let (_, action) = request("POST", "/metrics", body, token: token, timeout: remaining)
            switch action {
            case .send:
                acknowledge(batch)
                status.update { report in
                    report.samplesSent += UInt64(batch.samples.count)
                    report.batchesSent += 1
                    report.lastSuccessTime = HostClock.wall()
                }
                let left = spool.status.samples
                link.succeeded(at: HostClock.monotonic(), samplesSent: batch.samples.count, backlogLeft: left, logger: logger)
                if left == 0 { return false }
                if deadline == nil { return true }
            case .setAside(let code, let answer):
                setAside(batch, body: body, status: code, answer: answer)
            case .register, .halt:
                follow(action)
                return false
            case .wait:
                return false
            }
        }
    }

    /// A position the spool cannot write is logged by the spool, once, and shows in health.
    private func acknowledge(_ batch: Spool.Batch) {
        spool.acknowledge(through: batch.last)
    }

    /// A batch the dashboard refuses as invalid goes to rejected/ with the answer, and the queue moves on.
    private func setAside(_ batch: Spool.Batch, body: [UInt8], status code: Int, answer: String) {
        let directory = spool.directory + "/rejected"
        let path = "\(directory)/\(batch.id).json"
        var record = JSONWriter(pretty: true)
        record.object { json in
            json.field("batch_id", batch.id)
            json.field("status", code)
            json.field("answer", answer)
            json.field("request", String(decoding: body, as: UTF8.self))
        }
        do {
            try DurableFile.makeDirectory(directory)
            try DurableFile.replace(path, with: record.bytes, mode: 0o600)
        } catch {
            logger.error("cannot set aside rejected batch \(batch.id): \(error)")
        }
        logger.error(
            "the dashboard refused batch \(batch.id) (\(batch.samples.count) samples) with HTTP \(code): \(answer.prefix(300)); set aside in \(path)")
        acknowledge(batch)
        status.update { $0.batchesRejected += 1 }
    }

    private func pushServices() {
        guard let snapshot = store.latest, let table = snapshot.processes else { return }
        let top = Array(ProcessSort.cpu.ordered(table.processes).prefix(50))
        guard let body = DashboardPayloads.services(agentId: identity.agentId, processes: top) else { return }
        let (delivery, action) = request("POST", "/services", body, token: token)
        follow(action)
        if case .rejected(let code, let answer) = delivery, rejectionLogged.insert("services-\(code)").inserted {
            logger.error("the dashboard refused the process list with HTTP \(code): \(answer.prefix(300))")
        }
    }

    private func heartbeat() {
        let (_, action) = request("POST", "/agent/heartbeat", DashboardPayloads.heartbeat(agentId: identity.agentId), token: token)
        follow(action)
    }

    /// One request, with the bookkeeping every request shares: the machine's decision, link state, status.
    private func request(_ method: String, _ path: String, _ body: [UInt8], token: String?, timeout: Double? = nil)
        -> (Delivery, DeliveryMachine.Action)
    {
        let delivery = Delivery(client.sendHere(method, path, body: body, token: token, timeout: timeout))
        let action = machine.decide(.answered(delivery), now: HostClock.monotonic())
        switch delivery {
        case .retry(let reason, _):
            noteFailure(reason)
        default:
            if link.isDown {
                link.succeeded(at: HostClock.monotonic(), samplesSent: 0, backlogLeft: spool.status.samples, logger: logger)
            }
            status.update { report in
                report.dashboardReachable = true
                report.lastError = nil
            }
        }
        return (delivery, action)
    }

    private func noteFailure(_ reason: String) {
        link.failed(at: HostClock.monotonic(), reason: reason, logger: logger)
        status.update { report in
            report.dashboardReachable = false
            report.lastError = reason
            report.failedAttempts += 1
        }
    }

    /// At shutdown: one attempt to send what is buffered, within SHUTDOWN_FLUSH_SECONDS; the rest stays.
    /// A saved token is tried even if no heartbeat has confirmed it yet (a restart during an outage).
    private func finalFlush(deadline: Double) {
        guard (machine.phase == .ready || token != nil) && machine.phase != .blocked else { return }
        guard spool.status.samples > 0 else { return logger.info("final flush: nothing left to send") }
        _ = sendBacklog(deadline: deadline)
        let left = spool.status.samples
        logger.info(left == 0 ? "final flush sent everything" : "final flush stopped; \(left) samples stay in the spool for the next start")
    }
}
