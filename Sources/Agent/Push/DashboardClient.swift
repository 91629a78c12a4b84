import CHTTPClient

/// Requests to the dashboard (and remote write's receiver) through the C client (Sources/CHTTPClient),
/// one at a time on a thread of their own (it blocks, and the agent's one executor thread must not). Keeps
/// one connection alive between requests.
final class DashboardClient: @unchecked Sendable {
    // @unchecked: `client` is used only on `thread` (and freed there, after the last request).
    private let client: OpaquePointer
    private let thread: WorkerThread
    let baseURL: String
    private let caFile: String?
    /// TLS client authentication (remote write's REMOTE_WRITE_CLIENT_CERT and _KEY): PEM files.
    private let clientCertificate: ClientCertificate?
    private let verifyTLS: Bool
    private let connectTimeoutMs: Int
    private let totalTimeoutMs: Int
    static let userAgent = "shelter-agent/\(AgentVersion.current)"

    /// What came back: an HTTP answer of any status, or no answer at all.
    enum Answer: Sendable, Equatable {
        case http(status: Int, body: String, retryAfter: Double?)
        case unreachable(String)
    }

    /// Throws when OpenSSL cannot be loaded (it is loaded on first use: pull-only never maps it).
    /// `threadName` names the requests' thread (top -H).
    init(
        baseURL: String, caFile: String?, verifyTLS: Bool, connectTimeout: Double, totalTimeout: Double,
        clientCertificate: ClientCertificate? = nil, threadName: String = "push"
    ) throws(LibraryError) {
        guard let client = chc_client_new() else {
            throw LibraryError(reason: chc_library_error().map { String(cString: $0) } ?? "out of memory")
        }
        self.client = client
        self.thread = WorkerThread(name: threadName)
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.verifyTLS = verifyTLS
        self.connectTimeoutMs = Int(connectTimeout * 1000)
        self.totalTimeoutMs = Int(totalTimeout * 1000)
    }

    /// The client SERVER_URL and the TLS and timeout settings describe.
    convenience init(settings: Settings) throws(LibraryError) {
        try self.init(
            baseURL: settings.serverURL, caFile: settings.caFile, verifyTLS: settings.tlsVerify,
            connectTimeout: settings.pushConnectTimeout, totalTimeout: settings.pushTimeout)
    }

    deinit {
        let client = UncheckedClient(pointer: client)
        thread.finish { chc_client_free(client.pointer) }
    }

    /// The client, handed to its thread for the last time.
    private struct UncheckedClient: @unchecked Sendable { let pointer: OpaquePointer }

    /// Ends the request under way at once (client.c wakes the client's poll); shutdown uses it so SIGTERM is
    /// not held up by a slow dashboard. `false` allows requests again (the final flush).
    func abortRequests(_ abort: Bool) { chc_client_abort(client, abort ? 1 : 0) }

    /// Runs `body` on the requests' thread, after any request under way, and returns its value: blocking
    /// work (a request, a sender's final flush with its spool reads) that the agent's one executor thread must
    /// not wait for, since a slow dashboard or disk would hold every task, SIGTERM's too.
    func offload<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            thread.run { continuation.resume(returning: body()) }
        }
    }

    /// Starts `body` on the requests' thread, after any request under way: a loop of blocking requests (the
    /// pusher's), which then calls `sendHere` without a hand-off per request.
    func runOnThread(_ body: @escaping @Sendable () -> Void) { thread.run(body) }

    /// `timeout` shortens the configured one (the final flush at shutdown has a deadline). `contentType`
    /// replaces JSON's (remote write's protobuf), and `headers` ("Name: value") are added.
    func send(
        _ method: String, _ path: String, body: [UInt8]?, token: String?, timeout: Double? = nil, contentType: String? = nil,
        headers: [String] = []
    ) async -> Answer {
        await offload { [self] in
            sendHere(method, path, body: body, token: token, timeout: timeout, contentType: contentType, headers: headers)
        }
    }

    /// `send`, blocking, on the caller's thread: only from the requests' thread (`runOnThread`'s body).
    func sendHere(
        _ method: String, _ path: String, body: [UInt8]?, token: String?, timeout: Double? = nil, contentType: String? = nil,
        headers: [String] = []
    ) -> Answer {
        let headers = headers.isEmpty ? nil : headers.joined(separator: "\n")
        var response = chc_response()
        let total = timeout.map { min(totalTimeoutMs, max(Int($0 * 1000), 1)) } ?? totalTimeoutMs
        let rc = (baseURL + path).withCString { url in
            Self.userAgent.withCString { agent in
                method.withCString { methodText in
                    withOptionalCString(token) { tokenText in
                        withOptionalCString(caFile) { caText in
                            withOptionalCString(contentType) { typeText in
                                withOptionalCString(headers) { headerText in
                                withOptionalCString(clientCertificate?.certificate) { certText in
                                withOptionalCString(clientCertificate?.key) { keyText in
                                    (body ?? []).withUnsafeBufferPointer { bytes in
                                        bytes.withMemoryRebound(to: CChar.self) { chars in
                                            var request = chc_request(
                                                method: methodText, url: url, body: chars.baseAddress, body_len: chars.count,
                                                bearer_token: tokenText, user_agent: agent,
                                                connect_timeout_ms: min(connectTimeoutMs, total), total_timeout_ms: total,
                                                ca_file: caText, verify_tls: verifyTLS ? 1 : 0, content_type: typeText,
                                                extra_headers: headerText, client_cert: certText, client_key: keyText)
                                            return chc_perform(client, &request, &response)
                                        }
                                    }
                                }
                                }
                                }
                            }
                        }
                    }
                }
            }
        }
        defer { chc_response_free(&response) }
        guard rc == 0 else {
            let message = withUnsafeBytes(of: response.error) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            return .unreachable(message)
        }
        let text = response.body.map { String(cString: $0) } ?? ""
        return .http(status: response.status, body: text,
                     retryAfter: response.retry_after_seconds >= 0 ? Double(response.retry_after_seconds) : nil)
    }
}

/// A PEM certificate and its private key, for TLS client authentication.
struct ClientCertificate: Sendable, Equatable {
    var certificate: String
    var key: String
}

/// libssl or libcrypto missing or unusable.
struct LibraryError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

private func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}

/// What an answer means for what was sent (dashboard-protocol.md and Telegraf's output rules).
enum Delivery: Equatable {
    /// 2xx: it is the server's now.
    case accepted
    /// Network error, timeout, 408, 429, 5xx: send it again later (after `retryAfter` if the server said).
    case retry(reason: String, retryAfter: Double?)
    /// 422 and other 4xx/3xx: sending it again cannot help; set it aside.
    case rejected(status: Int, body: String)
    /// 401: the token is not (or no longer) valid.
    case unauthorized

    init(_ answer: DashboardClient.Answer) {
        switch answer {
        case .unreachable(let message):
            self = .retry(reason: message, retryAfter: nil)
        case .http(let status, let body, let retryAfter):
            switch status {
            case 200..<300: self = .accepted
            case 401: self = .unauthorized
            case 408, 429, 500...599: self = .retry(reason: "HTTP \(status)", retryAfter: retryAfter)
            default: self = .rejected(status: status, body: body)
            }
        }
    }
}
