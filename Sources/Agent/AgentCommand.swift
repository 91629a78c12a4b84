#if canImport(Glibc)
    import Glibc
#endif
import API
import ArgumentParser
import HostMetrics
import Logging
import ServiceLifecycle

/// `shelter-agent`: collect host metrics every interval and serve them on a local endpoint. Run by
/// `AgentMain` on the agent's own task executor.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shelter-agent",
        abstract: "Collects host metrics from /proc and /sys and serves them on a local HTTP endpoint.",
        discussion: """
            Settings come from flags, then the environment, then the .env file, then the defaults:
            \(SettingKey.all.map(\.helpLine).joined(separator: "\n"))
            """,
        version: AgentVersion.current)

    @Option(name: .customLong("env-file"), help: "The .env file to read settings from.")
    var envFile: String?
    @Option(help: "Where to serve the endpoint, host:port (LISTEN_ADDRESS).")
    var listen: String?
    @Option(name: .customLong("server-url"), help: "Dashboard API root (SERVER_URL).")
    var serverURL: String?
    @Option(name: .customLong("collection-interval"), help: "Seconds between collections (COLLECTION_INTERVAL).")
    var collectionInterval: String?
    @Option(name: .customLong("log-level"), help: "LOG_LEVEL.")
    var logLevel: String?
    @Option(name: .customLong("log-file"), help: "LOG_FILE; empty for console only.")
    var logFile: String?
    @Option(name: .customLong("state-dir"), help: "STATE_DIR: where .env, the spool and the log live.")
    var stateDir: String?
    @Option(name: .customLong("proc-root"), help: "PROC_ROOT.")
    var procRoot: String?
    @Option(name: .customLong("sys-root"), help: "SYS_ROOT.")
    var sysRoot: String?
    @Option(name: .customLong("rootfs"), help: "ROOTFS.")
    var rootfs: String?
    @Option(name: .customLong("hostname"), help: "AGENT_HOSTNAME.")
    var hostname: String?
    @Flag(help: "Print one JSON snapshot, taken one interval after the first so rates exist, and exit.")
    var once = false
    @Flag(
        name: .customLong("check-config"),
        help: "Check the settings, the state directory, the host's files and the dashboard's /health; exit 0 or 2.")
    var checkConfig = false
    @Flag(
        name: .customLong("list-collectors"),
        help: "Print every collector, what it reads and what it exports (a Markdown table), and exit.")
    var listCollectors = false

    func run() async throws {
        if listCollectors {
            print(CollectorTable.markdown(StandardCollectors.all.map { $0.info }), terminator: "")
            return
        }
        // A console reader that went away (a closed pipe) must not kill the agent: writes to it fail with
        // EPIPE instead, and LogSink stops writing there.
        signal(SIGPIPE, SIG_IGN)
        OpenFileLimit.raise()
        let settings: Settings
        do {
            settings = try loadSettings()
        } catch {
            Self.printError("shelter-agent: \(error)")
            throw ExitCode(2)
        }
        if !settings.stateDir.isEmpty && mkdir(settings.stateDir, 0o700) != 0 && errno != EEXIST {
            Self.printError("shelter-agent: STATE_DIR \(settings.stateDir): \(String(cString: strerror(errno)))")
            throw ExitCode(2)
        }
        let sink = LogSink(
            path: settings.logFile, console: settings.logConsole, maxBytes: settings.logMaxBytes,
            backups: settings.logBackups)
        do {
            try sink.open()
        } catch {
            Self.printError("shelter-agent: LOG_FILE: \(error)")
            throw ExitCode(2)
        }
        let level = Logger.Level(settings.logLevel)
        LoggingSystem.bootstrap { label in AgentLogHandler(label: label, sink: sink, logLevel: level) }
        let context = CollectorContext(
            roots: settings.roots, processTopN: settings.processTopN,
            scrubber: CommandLineScrubber(mode: settings.scrubCommandLines), textfileDirectory: settings.textfileDirectory)
        let hostname = settings.hostname ?? Self.systemHostname()
        func makeSampler(_ cadence: CollectorCadence) -> Sampler {
            Sampler(
                collectors: StandardCollectors.make(context, disabled: settings.disabledCollectors, cadence: cadence),
                hostname: hostname, logger: Logger(label: "collector"))
        }
        // Two samplers, each with one owner: the passes' (the sampling thread) and the on-demand one's.
        let sampler = makeSampler(.everyPass)
        let onDemand = OnDemandSections(sampler: makeSampler(.whenRead))
        if checkConfig {
            let check = ConfigurationCheck(settings: settings, sample: { onDemand.complete(sampler.sample()) })
            let (problems, notes) = await check.run()
            for note in notes { print("ok: \(LogText.escaped(note))") }
            for problem in problems { print("problem: \(LogText.escaped(problem))") }
            print(problems.isEmpty ? "configuration ok" : "\(problems.count) problem(s)")
            if !problems.isEmpty { throw ExitCode(2) }
        } else if once {
            try await printOneSnapshot(sampler, onDemand, interval: settings.collectionInterval)
        } else {
            try await serve(settings, sampler: sampler, onDemand: onDemand, sink: sink)
        }
    }

    private func serve(_ settings: Settings, sampler: Sampler, onDemand: OnDemandSections, sink: LogSink) async throws {
        // Trapped before anything else, so a SIGHUP from logrotate at any moment is handled, never fatal.
        let signals = SignalService.trap()
        let logger = Logger(label: "agent")
        let store = SnapshotStore(historyCapacity: settings.historyCapacity)
        let push: PushPipeline?
        do {
            push = try PushPipeline.make(settings, store: store, hostname: sampler.hostname, logger: logger)
        } catch {
            logger.critical("cannot push: \(error)")
            throw ExitCode(1)
        }
        var agent = AgentInfo(
            version: AgentVersion.current, startTime: HostClock.wall(),
            collectionInterval: settings.collectionInterval, defaultProcessLimit: settings.processTopN)
        let remoteWrite: RemoteWritePipeline?
        do {
            remoteWrite = try RemoteWritePipeline.make(
                settings, hostname: settings.hostname ?? sampler.hostname, agent: agent, logger: logger)
        } catch {
            logger.critical("cannot remote-write: \(error)")
            throw ExitCode(1)
        }
        let record: @Sendable (Snapshot) -> Void = { snapshot in
            push?.record(snapshot)
            // Remote write sends every family of every pass, so it reads the on-demand ones on each.
            remoteWrite?.record(onDemand.complete(snapshot), push: push?.status.current)
        }
        let first = sampler.sample()
        record(first)
        store.publish(first)
        // Read once whatever is configured, so that health shows how every collector fares from the start.
        _ = onDemand.complete(first)
        agent.collectorNames = StandardCollectors.names.filter { !settings.disabledCollectors.contains($0) }
        agent.viewWarnings = HostViewCheck.warnings(roots: settings.roots, memory: first.memory, cgroup: first.cgroup)
        for warning in agent.viewWarnings { logger.warning("\(warning)") }
        agent.historyCapacity = store.historyCapacity
        let endpoint = Endpoint(
            store: store, onDemand: onDemand, agent: agent,
            auth: BearerAuth(token: settings.authToken, exemptHealth: settings.authExemptHealth),
            pushReport: { push?.status.current }, remoteWriteReport: { remoteWrite?.status.current },
            overTLS: settings.tls != nil)
        let server: HTTPServer
        do {
            server = try HTTPServer(
                endpoint: endpoint,
                host: settings.listen.host, port: settings.listen.port,
                limits: .init(
                    maxConnections: settings.maxConnections, maxHeaderBytes: settings.maxHeaderBytes,
                    maxHeaders: settings.maxHeaders, idleTimeoutSeconds: settings.idleTimeout,
                    requestTimeoutSeconds: settings.requestTimeout, http2MaxStreams: settings.http2MaxStreams),
                tls: settings.tls)
        } catch {
            let message = "\(error)"
            if let tls = settings.tls, message.hasPrefix("TLS: ") {
                // The certificate, key or client CAs do not load: a setting that cannot be used.
                logger.critical(
                    "HTTP_TLS_CERT_FILE \(tls.certFile), HTTP_TLS_KEY_FILE \(tls.keyFile)\(tls.clientCAFile.map { ", HTTP_TLS_CLIENT_CA_FILE \($0)" } ?? ""): \(message.dropFirst(5))")
                throw ExitCode(2)
            }
            guard message.hasPrefix("cannot listen") || message.hasPrefix("cannot resolve") else {
                logger.critical("\(message)")
                throw ExitCode(1)
            }
            // Exit 2 like any setting that cannot be used: restarting at once will not free the address.
            logger.critical("LISTEN_ADDRESS \(settings.listen): \(message)")
            throw ExitCode(2)
        }
        logStartup(settings, logger: logger)
        var address = settings.listen
        address.port = server.port
        let ready: Logger.Message =
            "shelter-agent \(AgentVersion.current) serving \(settings.tls == nil ? "http" : "https")://\(address) every \(settings.collectionInterval) s as \(sampler.hostname)"
        // Shutdown runs in reverse: the sampler stops first, then the pusher makes its final send, then the
        // endpoint closes.
        let rotation = settings.tls.map { TLSRotation(server: server, files: $0, logger: logger) }
        var services: [any Service] = [
            SignalService(signals: signals, sink: sink, logger: logger, onHangup: { rotation?.check(force: true) }),
            HTTPServerService(server: server, readyMessage: ready, logger: logger),
        ]
        if let push { services.append(push.pusher) }
        if let remoteWrite { services.append(remoteWrite.writer) }
        let releaser = FilePageReleaser(interval: settings.memoryTrimInterval, logger: logger)
        services.append(
            SamplerService(
                sampler: sampler, store: store, intervalSeconds: settings.collectionInterval, record: record,
                published: { snapshot in
                    endpoint.broadcast(snapshot) { server.send(toStreams: $0, $1) }
                    rotation?.check(force: false)
                }, afterPass: releaser.afterPass))
        // SIGTERM and SIGINT come from SignalThread rather than the group's own trap (a libdispatch source).
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        SignalThread.onShutdown { _ in Task { await group.triggerGracefulShutdown() } }
        try await group.run()
        logger.info("stopped")
    }

    private func logStartup(_ settings: Settings, logger: Logger) {
        if !settings.listen.isLoopback && settings.authToken == nil {
            logger.warning(
                "listening on \(settings.listen), not loopback, without HTTP_AUTH_TOKEN: anyone who can reach it can read host metrics and process lists"
            )
        }
        if settings.serverURL.isEmpty && settings.remoteWrite == nil {
            logger.info("no SERVER_URL: pull-only mode")
        }
    }

    private func printOneSnapshot(_ sampler: Sampler, _ onDemand: OnDemandSections, interval: Double) async throws {
        _ = onDemand.complete(sampler.sample())
        try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
        let body = SnapshotJSON.render(onDemand.complete(sampler.sample()), pretty: true)
        print(String(decoding: body, as: UTF8.self))
    }

    private func loadSettings() throws -> Settings {
        var loader = SettingsLoader()
        let flagValues: [(String?, SettingKey, String)] = [
            (listen, .listenAddress, "--listen"), (serverURL, .serverURL, "--server-url"),
            (collectionInterval, .collectionInterval, "--collection-interval"), (logLevel, .logLevel, "--log-level"),
            (logFile, .logFile, "--log-file"), (procRoot, .procRoot, "--proc-root"), (sysRoot, .sysRoot, "--sys-root"),
            (rootfs, .rootfs, "--rootfs"), (hostname, .hostname, "--hostname"), (stateDir, .stateDir, "--state-dir"),
        ]
        for case let (value?, key, flag) in flagValues { loader.flags[key.name] = (value, flag) }
        for key in SettingKey.all {
            if let value = getenv(key.name) { loader.environment[key.name] = String(cString: value) }
        }
        let path = envFile ?? loader.inStateDir(".env")
        loader.dotEnvPath = path
        do {
            let bytes = try DotEnvFile.read(path)
            loader.dotEnv = try DotEnv.parse(String(decoding: bytes, as: UTF8.self), file: path)
        } catch DotEnvFile.Failure.missing where envFile == nil {
            // No .env in the working directory: defaults and environment only.
        } catch DotEnvFile.Failure.missing {
            throw ConfigurationError(key: nil, source: path, value: "", reason: "cannot read: no such file")
        } catch DotEnvFile.Failure.unusable(let reason) {
            throw ConfigurationError(key: nil, source: path, value: "", reason: reason)
        }
        return try loader.load()
    }

    static func systemHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func printError(_ message: String) {
        var bytes = Array((message + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}
