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
    /// REMOTE_WRITE_URL; nil when empty.
    var remoteWrite: RemoteWriteSettings?
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
    /// Seconds between FilePageRelease runs; 0: never.
    var memoryTrimInterval: Double = 600
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

/// Where and how remote write sends (REMOTE_WRITE_*).
struct RemoteWriteSettings: Sendable, Equatable {
    var url: String
    /// job, then REMOTE_WRITE_LABELS in the order given (instance is added by the pipeline unless given).
    var labels: [RemoteWriteLabel]
    var maxSamples: Int
    var spoolDir: String
    var spoolMaxBytes: Int
    var bearerToken: String?
    var caFile: String?
    var clientCertificate: ClientCertificate?

    var urlForLog: String { DashboardURL.masked(url) }

    /// `k=v,k=v`: Prometheus label names (not starting with `__`, which is reserved), values without a
    /// comma; a name given twice is an error rather than a silent choice.
    static func parseLabels(_ text: String) -> Result<[RemoteWriteLabel], LabelError> {
        var labels: [RemoteWriteLabel] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingSpaces
            if item.isEmpty && text.trimmingSpaces.isEmpty { continue }
            guard let equals = item.firstIndex(of: "=") else { return .failure(LabelError(reason: "expected k=v,k=v; \"\(item)\" has no =")) }
            let name = String(item[..<equals].trimmingSpaces), value = String(item[item.index(after: equals)...].trimmingSpaces)
            guard isLabelName(name) else {
                return .failure(LabelError(reason: "\"\(name)\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)"))
            }
            guard isLabelValue(value) else {
                return .failure(LabelError(reason: "label \(name) needs a value of printable characters (UTF-8, no control characters)"))
            }
            guard !labels.contains(where: { $0.name == name }) else { return .failure(LabelError(reason: "label \(name) is given twice")) }
            labels.append(RemoteWriteLabel(name: name, value: value))
        }
        return .success(labels)
    }

    struct LabelError: Error {
        var reason: String
    }

    /// Not empty (Prometheus takes an empty value for no label), no control characters.
    static func isLabelValue(_ value: String) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }

    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !name.hasPrefix("__") else { return false }
        func letter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
        return letter(first) && name.utf8.allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }
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
