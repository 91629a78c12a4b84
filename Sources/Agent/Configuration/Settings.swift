import HostMetrics

/// The agent's configuration, typed and checked. Built only by `SettingsLoader`.
struct Settings: Sendable {
    var serverURL: String
    var apiToken: String
    var hostname: String?
    var collectionInterval: Double
    var sendInterval: Double
    var serviceInterval: Double
    var heartbeatInterval: Double
    /// Where state lives; "" is the working directory. SPOOL_DIR and LOG_FILE are already resolved against it.
    var stateDir: String
    var spoolDir: String
    var spoolMaxBytes: Int
    var batchMaxSamples: Int
    var retryMaxSeconds: Double
    var caFile: String?
    var tlsVerify: Bool
    var shutdownFlushSeconds: Double
    var pushConnectTimeout: Double
    var pushTimeout: Double
    /// The .env file settings were read from; registration writes the token there.
    var envFilePath: String
    var listen: ListenAddress
    var roots: HostRoots
    /// TEXTFILE_DIRECTORY; nil when empty.
    var textfileDirectory: String?
    /// Collector names the agent does not run (checked against the registry).
    var disabledCollectors: Set<String> = []
    var logFile: String?
    var logConsole: LogConsole
    var logLevel: LogLevelName
    var logMaxBytes: Int
    var logBackups: Int
    var historyDuration: Double
    var processTopN: Int
    var scrubCommandLines: CommandLineScrubber.Mode
    var maxConnections: Int
    var idleTimeout: Double
    var requestTimeout: Double
    var maxHeaderBytes: Int
    var maxHeaders: Int
    var http2MaxStreams: Int
    var authToken: String?
    var authExemptHealth: Bool
    /// HTTPS on the endpoint; nil: cleartext.
    var tls: TLSFiles?

    /// SERVER_URL as it may be logged: any password masked.
    var serverURLForLog: String { DashboardURL.masked(serverURL) }

    /// Snapshots the history ring holds: HISTORY_DURATION worth at the collection interval.
    /// At most 20,000 entries (a day at a 5 s interval; 80 KiB a figure): at very short intervals the
    /// ring keeps less than HISTORY_DURATION rather than grow without bound.
    var historyCapacity: Int { min(Self.maxHistoryEntries, max(1, Int((historyDuration / collectionInterval).rounded(.up)))) }
    static let maxHistoryEntries = 20_000
}

/// The endpoint's certificate, key and (for mTLS) client CAs, as PEM file paths.
struct TLSFiles: Sendable, Equatable {
    var certFile: String
    var keyFile: String
    var clientCAFile: String?
}

/// Log levels by the names operators use (Python's among them, as the reference agent took them).
enum LogLevelName: String, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// `host:port`, `[v6]:port` or `:port` (every interface, both families).
struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    var host: String
    var port: UInt16

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    var isLoopback: Bool { host == "localhost" || host.hasPrefix("127.") || host == "::1" }

    static func parse(_ text: String) -> ListenAddress? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil  // an IPv6 address needs brackets to tell it from the port
        }
        return ListenAddress(host: host.isEmpty ? "::" : host, port: port)
    }
}
