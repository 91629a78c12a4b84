import API
import HostMetrics

/// Resolves every setting from flags, then the environment, then the `.env` file, then the default, and
/// checks each value, naming the variable and where it came from when one is wrong.
struct SettingsLoader {
    /// Values given as command-line flags, by setting name.
    var flags: [String: (value: String, flag: String)] = [:]
    var environment: [String: String] = [:]
    var dotEnv = DotEnv(entries: [])
    var dotEnvPath = ".env"

    /// STATE_DIR as the flag or the environment give it: `.env` is read from there, so `.env` cannot set it.
    var stateDir: String {
        let name = SettingKey.stateDir.name
        return (flags[name]?.value ?? environment[name] ?? "").trimmingSpaces
    }

    /// A relative state path lives in STATE_DIR; an absolute one is the operator's own choice.
    func inStateDir(_ path: String) -> String {
        stateDir.isEmpty || path.hasPrefix("/") ? path : (stateDir.hasSuffix("/") ? stateDir : stateDir + "/") + path
    }

    private func resolve(_ key: SettingKey) -> (value: String, source: String) {
        if let flag = flags[key.name] { return (flag.value, flag.flag) }
        if let value = environment[key.name] { return (value, "environment") }
        if let entry = dotEnv.value(key.name) { return (entry.value, "\(dotEnvPath) line \(entry.line)") }
        return (key.defaultValue, "default")
    }

    func load() throws(ConfigurationError) -> Settings {
        func text(_ key: SettingKey) -> String { resolve(key).value.trimmingSpaces }
        func fail(_ key: SettingKey, _ reason: String) -> ConfigurationError {
            let (value, source) = resolve(key)
            return ConfigurationError(key: key.name, source: source, value: value, reason: reason)
        }
        func seconds(_ key: SettingKey) throws(ConfigurationError) -> Double {
            guard let range = key.range, case .seconds(let bounds) = range else {
                preconditionFailure("\(key.name) is not in seconds")
            }
            guard let value = SettingRange.decimal(text(key)), bounds.contains(value) else {
                throw fail(key, range.expectation)
            }
            return value
        }
        func integer(_ key: SettingKey) throws(ConfigurationError) -> Int {
            guard let range = key.range, case .count(let bounds) = range else {
                preconditionFailure("\(key.name) is not a count")
            }
            guard let value = Int(text(key)), bounds.contains(value) else { throw fail(key, range.expectation) }
            return value
        }
        func path(_ key: SettingKey) throws(ConfigurationError) -> String {
            let value = text(key)
            guard !value.isEmpty else { throw fail(key, "expected a path") }
            return value
        }

        let serverURL = text(.serverURL)
        if !serverURL.isEmpty {
            do {
                _ = try DashboardURL.parse(serverURL)
            } catch {
                var failure = fail(.serverURL, error.reason)
                failure.value = DashboardURL.masked(failure.value)
                throw failure
            }
        }
        let remoteWrite = try remoteWriteSettings(text: text, fail: fail, integer: integer, path: path)
        guard let listen = ListenAddress.parse(text(.listenAddress)) else {
            throw fail(.listenAddress, "expected host:port, [ipv6]:port or :port")
        }
        guard let level = LogLevelName(rawValue: Self.normalizedLevel(text(.logLevel))) else {
            throw fail(.logLevel, "expected one of \(LogLevelName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let scrub = Self.scrubMode(text(.scrubCommandLines)) else {
            throw fail(.scrubCommandLines, "expected true, false or args")
        }
        guard let exemptHealth = Self.boolean(text(.authExemptHealth)) else {
            throw fail(.authExemptHealth, "expected true or false")
        }
        guard let console = LogConsole(rawValue: text(.logConsole).lowercased()) else {
            throw fail(.logConsole, "expected one of \(LogConsole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let tlsVerify = Self.boolean(text(.tlsVerify)) else { throw fail(.tlsVerify, "expected true or false") }
        let disabled = try Self.collectorNames(text(.disabledCollectors)) { fail(.disabledCollectors, $0) }
        let tls = try tlsFiles(fail)
        let caFile = text(.caFile)
        let authToken = text(.authToken)
        let hostname = text(.hostname)
        let logFile = text(.logFile)
        var settings = Settings(
            serverURL: serverURL, apiToken: text(.apiToken), hostname: hostname.isEmpty ? nil : hostname,
            collectionInterval: try seconds(.collectionInterval), sendInterval: try seconds(.sendInterval),
            serviceInterval: try seconds(.serviceInterval), heartbeatInterval: try seconds(.heartbeatInterval),
            stateDir: stateDir, spoolDir: inStateDir(try path(.spoolDir)), spoolMaxBytes: try integer(.spoolMaxBytes),
            batchMaxSamples: try integer(.batchMaxSamples), retryMaxSeconds: try seconds(.retryMaxSeconds),
            caFile: caFile.isEmpty ? nil : caFile, tlsVerify: tlsVerify,
            shutdownFlushSeconds: try seconds(.shutdownFlushSeconds),
            pushConnectTimeout: try seconds(.pushConnectTimeout), pushTimeout: try seconds(.pushTimeout),
            remoteWrite: remoteWrite, envFilePath: dotEnvPath,
            listen: listen,
            roots: HostRoots(proc: try path(.procRoot), sys: try path(.sysRoot), rootfs: try path(.rootfs)),
            textfileDirectory: text(.textfileDirectory).isEmpty ? nil : text(.textfileDirectory),
            logFile: logFile.isEmpty ? nil : inStateDir(logFile), logConsole: console, logLevel: level,
            logMaxBytes: try integer(.logMaxBytes), logBackups: try integer(.logBackups),
            historyDuration: try seconds(.historyDuration), processTopN: try integer(.processTopN),
            scrubCommandLines: scrub, maxConnections: try integer(.maxConnections),
            idleTimeout: try seconds(.idleTimeout), requestTimeout: try seconds(.requestTimeout),
            maxHeaderBytes: try integer(.maxHeaderBytes), maxHeaders: try integer(.maxHeaders),
            http2MaxStreams: try integer(.http2MaxStreams),
            authToken: authToken.isEmpty ? nil : authToken, authExemptHealth: exemptHealth, tls: tls)
        settings.disabledCollectors = disabled
        settings.memoryTrimInterval = try seconds(.memoryTrimInterval)
        return settings
    }

    /// The certificate and key go together; client CAs need them. Whether the files load and match is
    /// checked when the server starts and by --check-config.
    private func tlsFiles(_ fail: (SettingKey, String) -> ConfigurationError) throws(ConfigurationError) -> TLSFiles? {
        let cert = resolve(.tlsCertFile).value.trimmingSpaces, key = resolve(.tlsKeyFile).value.trimmingSpaces
        let clientCA = resolve(.tlsClientCAFile).value.trimmingSpaces
        if cert.isEmpty != key.isEmpty {
            let missing: SettingKey = cert.isEmpty ? .tlsCertFile : .tlsKeyFile
            throw fail(missing, "HTTP_TLS_CERT_FILE and HTTP_TLS_KEY_FILE go together: set both or neither")
        }
        if cert.isEmpty {
            if !clientCA.isEmpty { throw fail(.tlsClientCAFile, "needs HTTP_TLS_CERT_FILE and HTTP_TLS_KEY_FILE") }
            return nil
        }
        return TLSFiles(certFile: cert, keyFile: key, clientCAFile: clientCA.isEmpty ? nil : clientCA)
    }

    private func remoteWriteSettings(
        text: (SettingKey) -> String, fail: (SettingKey, String) -> ConfigurationError,
        integer: (SettingKey) throws(ConfigurationError) -> Int, path: (SettingKey) throws(ConfigurationError) -> String
    ) throws(ConfigurationError) -> RemoteWriteSettings? {
        // Every remote-write setting is checked whether or not a URL is set: a bad one in a .env waiting
        // for the URL to be filled in is found now, not when remote write is switched on.
        let maxSamples = try integer(.remoteWriteMaxSamples), spoolMaxBytes = try integer(.remoteWriteSpoolMaxBytes)
        let spoolDir = inStateDir(try path(.remoteWriteSpoolDir))
        let given: [RemoteWriteLabel]
        switch RemoteWriteSettings.parseLabels(text(.remoteWriteLabels)) {
        case .failure(let error): throw fail(.remoteWriteLabels, error.reason)
        case .success(let labels): given = labels
        }
        let job = text(.remoteWriteJob)
        guard RemoteWriteSettings.isLabelValue(job) else { throw fail(.remoteWriteJob, "expected a job name") }
        let certificate = text(.remoteWriteClientCert), key = text(.remoteWriteClientKey)
        if certificate.isEmpty != key.isEmpty {
            throw certificate.isEmpty
                ? fail(.remoteWriteClientCert, "REMOTE_WRITE_CLIENT_KEY is set: give the certificate too")
                : fail(.remoteWriteClientKey, "REMOTE_WRITE_CLIENT_CERT is set: give its private key too")
        }
        let url = text(.remoteWriteURL)
        guard !url.isEmpty else { return nil }
        do {
            _ = try DashboardURL.parse(url)
        } catch {
            var failure = fail(.remoteWriteURL, error.reason)
            failure.value = DashboardURL.masked(failure.value)
            throw failure
        }
        var labels = [RemoteWriteLabel(name: "job", value: job)]
        labels.removeAll { label in given.contains { $0.name == label.name } }
        labels += given
        let token = text(.remoteWriteBearerToken), caFile = text(.remoteWriteCAFile)
        return RemoteWriteSettings(
            url: url, labels: labels, maxSamples: maxSamples, spoolDir: spoolDir, spoolMaxBytes: spoolMaxBytes,
            bearerToken: token.isEmpty ? nil : token, caFile: caFile.isEmpty ? nil : caFile,
            clientCertificate: certificate.isEmpty ? nil : ClientCertificate(certificate: certificate, key: key))
    }

    static func normalizedLevel(_ text: String) -> String {
        let lower = text.lowercased()
        return lower == "warn" ? "warning" : lower == "fatal" ? "critical" : lower
    }

    /// A comma-separated list of collector names, each one the registry knows.
    static func collectorNames(_ text: String, fail: (String) -> ConfigurationError) throws(ConfigurationError) -> Set<String> {
        let names = text.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        let known = StandardCollectors.names
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw fail("no collector \"\(unknown)\"; known: \(known.joined(separator: ", "))")
        }
        return Set(names)
    }

    static func scrubMode(_ text: String) -> CommandLineScrubber.Mode? {
        if text.lowercased() == "args" { return .arguments }
        return boolean(text).map { $0 ? .secrets : .off }
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: return nil
        }
    }
}

extension String {
    var trimmingSpaces: String { String(self[...].trimmingSpaces) }
}

/// Short spellings of numbers for messages: 0.01, 5, 1.5.
enum NumberText {
    static func short(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
