#if canImport(Glibc)
    import Glibc
#endif
import API
import HostMetrics

/// `--check-config`: what an operator runs before enabling the service. The settings were already loaded
/// (a bad value exits 2 before this runs); this checks what only trying can tell: that the state directory
/// and the log are writable, the endpoint's address is free, the host's files read and look like the
/// host's, and, with SERVER_URL, that the dashboard answers its /health.
struct ConfigurationCheck {
    let settings: Settings
    /// One pass of every collector, on-demand ones included.
    let sample: () -> Snapshot

    /// Each problem, in words an operator can act on; empty when all is well. `notes` says what was checked.
    func run() async -> (problems: [String], notes: [String]) {
        var problems: [String] = [], notes: [String] = []
        let state = settings.stateDir.isEmpty ? "." : settings.stateDir
        if access(state, W_OK) != 0 {
            problems.append("STATE_DIR \(state): not writable (\(String(cString: strerror(errno))))")
        }
        notes.append(
            "state in \(state): .env \(settings.envFilePath), spool \(settings.spoolDir), "
                + "log \(settings.logFile ?? "console only")")
        if let reason = Self.bindProblem(settings.listen) {
            problems.append("LISTEN_ADDRESS \(settings.listen): \(reason)")
        } else {
            notes.append("endpoint \(settings.tls == nil ? "http" : "https")://\(settings.listen) is free to serve")
        }
        if let tls = settings.tls {
            let names = "HTTP_TLS_CERT_FILE \(tls.certFile), HTTP_TLS_KEY_FILE \(tls.keyFile)"
                + (tls.clientCAFile.map { ", HTTP_TLS_CLIENT_CA_FILE \($0)" } ?? "")
            if let reason = HTTPServer.tlsProblem(tls) {
                problems.append("\(names): \(reason)")
            } else {
                notes.append("\(names): certificate and key load and match"
                    + (tls.clientCAFile == nil ? "" : "; client certificates required"))
            }
        }
        if let caFile = settings.caFile, access(caFile, R_OK) != 0 {
            problems.append("CA_FILE \(caFile): cannot read (\(String(cString: strerror(errno))))")
        }
        _ = sample()
        let snapshot = sample()
        for status in snapshot.collectors where !status.success {
            problems.append("collector \(status.name): \(status.error ?? "failed")")
        }
        let succeeded = snapshot.collectors.filter(\.success).count
        notes.append("\(succeeded) of \(snapshot.collectors.count) collectors read the host")
        if let directory = settings.textfileDirectory, let textfiles = snapshot.section("textfile", as: TextfileSection.self) {
            for (path, reason) in textfiles.failures.sorted(by: { $0.key < $1.key }) {
                problems.append("TEXTFILE_DIRECTORY \(directory): \(path): \(reason)")
            }
            if textfiles.failures.isEmpty { notes.append("TEXTFILE_DIRECTORY \(directory): \(textfiles.mtimes.count) file(s) read") }
        }
        for warning in HostViewCheck.warnings(roots: settings.roots, memory: snapshot.memory, cgroup: snapshot.cgroup) {
            problems.append(warning)
        }
        if settings.serverURL.isEmpty {
            notes.append("no SERVER_URL: pull-only")
        } else {
            let client: DashboardClient
            do {
                client = try DashboardClient(settings: settings)
            } catch {
                problems.append("SERVER_URL \(settings.serverURLForLog): \(error)")
                return (problems, notes)
            }
            switch await client.send("GET", "/health", body: nil, token: nil) {
            case .http(let status, _, _) where (200..<300).contains(status):
                notes.append("dashboard \(settings.serverURLForLog)/health answers \(status)")
            case .http(let status, let body, _):
                problems.append("SERVER_URL \(settings.serverURLForLog): /health answered \(status) \(body.prefix(200))")
            case .unreachable(let reason):
                problems.append("SERVER_URL \(settings.serverURLForLog): unreachable: \(reason)")
            }
        }
        if let remote = settings.remoteWrite { await checkRemoteWrite(remote, settings, &problems, &notes) }
        return (problems, notes)
    }

    /// An empty WriteRequest (no series) is a valid request every receiver answers 2xx: it proves the URL,
    /// the credentials and the TLS set-up without writing anything.
    private func checkRemoteWrite(
        _ remote: RemoteWriteSettings, _ settings: Settings, _ problems: inout [String], _ notes: inout [String]
    ) async {
        if let reason = Snappy.libraryError { return problems.append("REMOTE_WRITE_URL \(remote.urlForLog): \(reason)") }
        let client: DashboardClient
        do {
            client = try DashboardClient(
                baseURL: remote.url, caFile: remote.caFile ?? settings.caFile, verifyTLS: settings.tlsVerify,
                connectTimeout: settings.pushConnectTimeout, totalTimeout: settings.pushTimeout,
                clientCertificate: remote.clientCertificate)
        } catch {
            return problems.append("REMOTE_WRITE_URL \(remote.urlForLog): \(error)")
        }
        let body = (try? Snappy.compress([])) ?? []
        let answer = await client.send(
            "POST", "", body: body, token: remote.bearerToken, contentType: RemoteWriter.contentType, headers: RemoteWriter.headers)
        switch answer {
        case .http(let status, _, _) where (200..<300).contains(status):
            notes.append("remote write \(remote.urlForLog) takes an empty request (\(status))")
        case .http(let status, let body, _):
            problems.append("REMOTE_WRITE_URL \(remote.urlForLog): an empty request was answered \(status) \(body.prefix(200))")
        case .unreachable(let reason):
            problems.append("REMOTE_WRITE_URL \(remote.urlForLog): unreachable: \(reason)")
        }
    }

    /// Binding is the only sure test that the port is free and the address is this host's.
    static func bindProblem(_ address: ListenAddress) -> String? {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let host = address.host == "localhost" ? "127.0.0.1" : address.host
        guard getaddrinfo(host, String(address.port), &hints, &found) == 0, let info = found else {
            return "not a numeric address of this host"
        }
        defer { freeaddrinfo(found) }
        let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, 0)
        guard socket >= 0 else { return String(cString: strerror(errno)) }
        defer { close(socket) }
        var on: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        return bind(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 ? nil : String(cString: strerror(errno))
    }
}
