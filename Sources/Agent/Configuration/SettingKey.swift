/// Every setting the agent reads, with its default: the one table that `.env.example`, `--help` and the
/// README follow.
struct SettingKey: Sendable, Hashable {
    let name: String
    let defaultValue: String
    let help: String
    /// The values a numeric setting may take; nil for text, paths, URLs and switches.
    let range: SettingRange?

    init(name: String, defaultValue: String, help: String, range: SettingRange? = nil) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
        self.range = range
    }

    static let serverURL = SettingKey(name: "SERVER_URL", defaultValue: "", help: "Dashboard API root; empty = pull only")
    static let apiToken = SettingKey(name: "API_TOKEN", defaultValue: "", help: "Dashboard token (written by registration)")
    static let hostname = SettingKey(name: "AGENT_HOSTNAME", defaultValue: "", help: "Name to report; empty = the host's")
    static let collectionInterval = SettingKey(
        name: "COLLECTION_INTERVAL", defaultValue: "5", help: "Seconds between collections",
        range: .seconds(0.01...86_400))
    static let sendInterval = SettingKey(
        name: "SEND_INTERVAL", defaultValue: "30", help: "Seconds between metric batches",
        range: .seconds(0.01...86_400))
    static let serviceInterval = SettingKey(
        name: "SERVICE_INTERVAL", defaultValue: "60", help: "Seconds between process list pushes",
        range: .seconds(0.01...86_400))
    static let heartbeatInterval = SettingKey(
        name: "HEARTBEAT_INTERVAL", defaultValue: "10", help: "Seconds between heartbeats",
        range: .seconds(0.01...86_400))
    static let stateDir = SettingKey(
        name: "STATE_DIR", defaultValue: "",
        help: "Where .env (with the token), the spool and the log live; empty = the working directory. "
            + "A flag or the environment only, since .env itself is found there")
    static let spoolDir = SettingKey(
        name: "SPOOL_DIR", defaultValue: "spool", help: "Where unsent samples wait, on disk (relative to STATE_DIR)")
    static let spoolMaxBytes = SettingKey(
        name: "SPOOL_MAX_BYTES", defaultValue: "67108864", help: "Spool size at most; past it the oldest samples go",
        range: .count(4096...Int(Int32.max)))
    static let batchMaxSamples = SettingKey(
        name: "BATCH_MAX_SAMPLES", defaultValue: "500", help: "Samples per metrics batch at most (5 items each)",
        range: .count(1...20_000))
    static let retryMaxSeconds = SettingKey(
        name: "RETRY_MAX_SECONDS", defaultValue: "300", help: "Longest backoff between retries",
        range: .seconds(1...86_400))
    static let caFile = SettingKey(name: "CA_FILE", defaultValue: "", help: "CA certificates for a private dashboard CA")
    static let tlsVerify = SettingKey(name: "TLS_VERIFY", defaultValue: "true", help: "Verify the dashboard's certificate")
    static let shutdownFlushSeconds = SettingKey(
        name: "SHUTDOWN_FLUSH_SECONDS", defaultValue: "1.5",
        help: "Time for the final send on SIGTERM/SIGINT; what is not sent by then stays spooled",
        range: .seconds(0...60))
    static let pushConnectTimeout = SettingKey(
        name: "PUSH_CONNECT_TIMEOUT", defaultValue: "5", help: "Seconds to connect to the dashboard",
        range: .seconds(0.1...300))
    static let pushTimeout = SettingKey(
        name: "PUSH_TIMEOUT", defaultValue: "15", help: "Seconds for a whole request",
        range: .seconds(0.1...3600))
    static let remoteWriteURL = SettingKey(
        name: "REMOTE_WRITE_URL", defaultValue: "",
        help: "Prometheus remote-write endpoint (VictoriaMetrics /api/v1/write, Prometheus /api/v1/write); empty = none")
    static let remoteWriteLabels = SettingKey(
        name: "REMOTE_WRITE_LABELS", defaultValue: "",
        help: "Labels added to every remote-written series, k=v,k=v (job and instance among them override the defaults)")
    static let remoteWriteJob = SettingKey(
        name: "REMOTE_WRITE_JOB", defaultValue: "node", help: "The job label of remote-written series")
    static let remoteWriteMaxSamples = SettingKey(
        name: "REMOTE_WRITE_MAX_SAMPLES", defaultValue: "2000",
        help: "Samples per remote-write request at most (about 25 KiB compressed at 2000)", range: .count(1...100_000))
    static let remoteWriteSpoolDir = SettingKey(
        name: "REMOTE_WRITE_SPOOL_DIR", defaultValue: "remote-write-spool",
        help: "Where unsent remote-write samples wait, on disk (relative to STATE_DIR)")
    static let remoteWriteSpoolMaxBytes = SettingKey(
        name: "REMOTE_WRITE_SPOOL_MAX_BYTES", defaultValue: "268435456",
        help: "Remote-write spool size at most; past it the oldest collections go", range: .count(65_536...Int(Int32.max)))
    static let remoteWriteBearerToken = SettingKey(
        name: "REMOTE_WRITE_BEARER_TOKEN", defaultValue: "", help: "Authorization: Bearer for remote write; empty = none")
    static let remoteWriteCAFile = SettingKey(
        name: "REMOTE_WRITE_CA_FILE", defaultValue: "", help: "CA certificates for the remote-write receiver")
    static let remoteWriteClientCert = SettingKey(
        name: "REMOTE_WRITE_CLIENT_CERT", defaultValue: "",
        help: "PEM certificate for TLS client authentication to the receiver (with REMOTE_WRITE_CLIENT_KEY)")
    static let remoteWriteClientKey = SettingKey(
        name: "REMOTE_WRITE_CLIENT_KEY", defaultValue: "", help: "The client certificate's PEM private key")
    static let listenAddress = SettingKey(
        name: "LISTEN_ADDRESS", defaultValue: "127.0.0.1:9110", help: "host:port of the local endpoint")
    static let procRoot = SettingKey(name: "PROC_ROOT", defaultValue: "/proc", help: "Where the host's /proc is")
    static let sysRoot = SettingKey(name: "SYS_ROOT", defaultValue: "/sys", help: "Where the host's /sys is")
    static let rootfs = SettingKey(name: "ROOTFS", defaultValue: "/", help: "Where the host's root filesystem is")
    static let textfileDirectory = SettingKey(
        name: "TEXTFILE_DIRECTORY", defaultValue: "",
        help: "Directory of *.prom files to add to /metrics (node_exporter's --collector.textfile.directory); empty = none")
    static let disabledCollectors = SettingKey(
        name: "DISABLED_COLLECTORS", defaultValue: "",
        help: "Collectors not to run, comma-separated (node_exporter's --no-collector.NAME); empty = run all")
    static let logFile = SettingKey(
        name: "LOG_FILE", defaultValue: "agent.log", help: "Log file (relative to STATE_DIR); empty = console only")
    static let logConsole = SettingKey(name: "LOG_CONSOLE", defaultValue: "stderr", help: "stderr, stdout or none")
    static let logLevel = SettingKey(name: "LOG_LEVEL", defaultValue: "info", help: "debug, info, warning or error")
    static let logMaxBytes = SettingKey(
        name: "LOG_MAX_BYTES", defaultValue: "10485760", help: "Rotate the log file past this size",
        range: .count(4096...Int(Int32.max)))
    static let logBackups = SettingKey(
        name: "LOG_BACKUPS", defaultValue: "3", help: "Rotated log files to keep",
        range: .count(0...100))
    static let historyDuration = SettingKey(
        name: "HISTORY_DURATION", defaultValue: "3600", help: "Seconds of snapshots kept in memory",
        range: .seconds(0...86_400))
    static let memoryTrimInterval = SettingKey(
        name: "MEMORY_TRIM_INTERVAL", defaultValue: "600",
        help: "Seconds between releases of mapped file pages not in use (the first a minute after start); 0 = never",
        range: .seconds(0...86_400))
    static let processTopN = SettingKey(
        name: "PROCESS_TOP_N", defaultValue: "50", help: "Processes detailed per pass (by CPU and by memory)",
        range: .count(1...1000))
    static let scrubCommandLines = SettingKey(
        name: "SCRUB_COMMAND_LINES", defaultValue: "true",
        help: "Mask secret-looking arguments in command lines; args = keep only the program")
    static let maxConnections = SettingKey(
        name: "HTTP_MAX_CONNECTIONS", defaultValue: "256", help: "Open connections to the endpoint at most",
        range: .count(1...65_536))
    static let idleTimeout = SettingKey(
        name: "HTTP_IDLE_TIMEOUT", defaultValue: "90", help: "Seconds an idle keep-alive connection stays open",
        range: .seconds(1...86_400))
    static let requestTimeout = SettingKey(
        name: "HTTP_REQUEST_TIMEOUT", defaultValue: "10", help: "Seconds a request head may take to arrive",
        range: .seconds(1...3600))
    static let maxHeaderBytes = SettingKey(
        name: "HTTP_MAX_HEADER_BYTES", defaultValue: "8192", help: "Request line and headers, in bytes, at most",
        range: .count(1024...1_048_576))
    static let maxHeaders = SettingKey(
        name: "HTTP_MAX_HEADERS", defaultValue: "64", help: "Header fields at most",
        range: .count(8...1024))
    static let http2MaxStreams = SettingKey(
        name: "HTTP2_MAX_STREAMS", defaultValue: "100", help: "Concurrent HTTP/2 streams per connection at most",
        range: .count(1...10_000))
    static let authToken = SettingKey(
        name: "HTTP_AUTH_TOKEN", defaultValue: "", help: "Bearer token the endpoint requires; empty = none")
    static let authExemptHealth = SettingKey(
        name: "HTTP_AUTH_EXEMPT_HEALTH", defaultValue: "false", help: "Serve /api/v1/health without the token")
    static let tlsCertFile = SettingKey(
        name: "HTTP_TLS_CERT_FILE", defaultValue: "",
        help: "PEM certificate (then its chain) for HTTPS on LISTEN_ADDRESS; empty = cleartext. Reloaded when it changes")
    static let tlsKeyFile = SettingKey(
        name: "HTTP_TLS_KEY_FILE", defaultValue: "", help: "PEM private key of HTTP_TLS_CERT_FILE; set both or neither")
    static let tlsClientCAFile = SettingKey(
        name: "HTTP_TLS_CLIENT_CA_FILE", defaultValue: "",
        help: "PEM CA certificates: clients must present a certificate they signed (mTLS); empty = none asked")

    /// The setting as `--help` lists it: name, default, range, meaning.
    var helpLine: String {
        "  \(name) (default \"\(defaultValue)\"\(range.map { ", \($0)" } ?? "")): \(help)"
    }

    static let all: [SettingKey] = [
        serverURL, apiToken, hostname, collectionInterval, sendInterval, serviceInterval, heartbeatInterval,
        stateDir, spoolDir, spoolMaxBytes, batchMaxSamples, retryMaxSeconds, caFile, tlsVerify, shutdownFlushSeconds,
        pushConnectTimeout, pushTimeout, remoteWriteURL, remoteWriteLabels, remoteWriteJob, remoteWriteMaxSamples,
        remoteWriteSpoolDir, remoteWriteSpoolMaxBytes, remoteWriteBearerToken, remoteWriteCAFile,
        remoteWriteClientCert, remoteWriteClientKey,
        listenAddress, procRoot, sysRoot, rootfs, textfileDirectory, disabledCollectors, logFile, logConsole, logLevel, logMaxBytes, logBackups, historyDuration,
        memoryTrimInterval,
        processTopN, scrubCommandLines, maxConnections, idleTimeout, requestTimeout, maxHeaderBytes, maxHeaders,
        http2MaxStreams, authToken, authExemptHealth, tlsCertFile, tlsKeyFile, tlsClientCAFile,
    ]
}
