import Foundation
import Testing

/// The push client's own HTTP/1.1 and TLS (Sources/CHTTPClient), against receiver.py and a real proxy
/// (Debian's tinyproxy): what libcurl did for the agent, which users rely on without knowing.
@Suite(.serialized) struct PushConnectionTests {
    @Test func everyRequestTravelsOnOneKeptAliveConnection() throws {
        let receiver = try Receiver()
        let agent = try RunningAgent(environment: pushEnvironment(receiver))
        defer { _ = agent.stop() }
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= 3 && ($0["batches"] as? [Any])?.count ?? 0 >= 3 })
        let state = try receiver.state()
        let agentRequests = (state["requests"] as? [[Any]] ?? []).filter { !(($0[2] as? String) ?? "").hasPrefix("/_") }
        #expect(agentRequests.count >= 7)
        #expect(state["agent_connections"] as? Int == 1, "\(agentRequests.count) requests on \(state["agent_connections"] ?? "?") connections")
    }

    /// A server that closes idle connections (without saying so) costs a reconnect, not a failed request.
    @Test func aConnectionTheServerClosedIsReplacedWithoutAFailure() throws {
        let receiver = try Receiver()
        try receiver.control(["close_after_answer": true])
        let agent = try RunningAgent(environment: pushEnvironment(receiver))
        #expect(try receiver.wait { ($0["agent_connections"] as? Int ?? 0) >= 6 && ($0["batches"] as? [Any])?.count ?? 0 >= 3 })
        let (status, log) = agent.stop()
        #expect(status == 0)
        #expect(!log.contains("unreachable"), "\(log)")
        let times = receivedSampleTimes(try receiver.metrics())
        #expect(Set(times).count == times.count, "no sample twice")
    }

    /// Answers in chunks (with extensions and a trailer): registration reads its token from one, and the
    /// connection stays usable after each.
    @Test func chunkedAnswersAreReadWholeAndKeepTheConnection() throws {
        let receiver = try Receiver()
        try receiver.control(["chunked": true])
        let agent = try RunningAgent(environment: pushEnvironment(receiver))
        defer { _ = agent.stop() }
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= 2 && ($0["batches"] as? [Any])?.count ?? 0 >= 2 })
        let health = try #require(try agent.get("/api/v1/health").json)
        #expect((health["push"] as? [String: Any])?["dashboard_reachable"] as? Bool == true, "\(health)")
        #expect(try receiver.state()["agent_connections"] as? Int == 1)
    }

    @Test func retryAfterAsAnHTTPDateIsHonoured() throws {
        let receiver = try Receiver()
        let agent = try RunningAgent(environment: pushEnvironment(receiver))
        defer { _ = agent.stop() }
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
        // 3 s ahead, written to the second: between 2 and 3 s from the answer; the backoff alone is 1 s.
        let gap = try receiver.secondsFromARefusalToTheNextRequest(["retry_after": 3, "retry_after_date": true])
        #expect(gap >= 1.9, "next request \(gap) s after the 429 with an HTTP-date 3 s ahead")
    }

    @Test func certificateVerificationSaysWhyItFailedAndCanBeTurnedOff() throws {
        let pki = try PrivateCA()
        defer { pki.remove() }
        let receiver = try Receiver(tls: (pki.directory + "/server.pem", pki.directory + "/server.key"))
        func lastError(_ extra: [String: String], url: String? = nil) throws -> String {
            var environment = pushEnvironment(receiver, extra)
            if let url { environment["SERVER_URL"] = url }
            let agent = try RunningAgent(environment: environment)
            let health = try pollHealth(agent, seconds: 10) { ($0["push"] as? [String: Any])?["last_error"] is String }
            _ = agent.stop()
            return ((health?["push"] as? [String: Any])?["last_error"] as? String) ?? "(none)"
        }
        #expect(try lastError([:]) == "TLS: certificate verify failed: unable to get local issuer certificate")
        // The certificate is for 127.0.0.1 only: by name, the same server is refused.
        let byName = try lastError(["CA_FILE": pki.directory + "/ca.pem"], url: "https://localhost:\(receiver.port)")
        #expect(byName == "TLS: certificate verify failed: hostname mismatch", "\(byName)")
        let state = try temporaryDirectory("tls-state")  // both agents below keep one token
        defer { try? FileManager.default.removeItem(atPath: state) }
        let unverified = try RunningAgent(environment: pushEnvironment(receiver, ["TLS_VERIFY": "false"]), directory: state)
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
        _ = unverified.stop()
        // Without CA_FILE the system's store is OpenSSL's default: its hashed directory (which SSL_CERT_DIR
        // names instead), or the bundle file SSL_CERT_FILE names.
        let hashed = pki.directory + "/hashed"
        #expect(try run("/bin/bash", ["-c", "mkdir '\(hashed)' && cp '\(pki.directory)/ca.pem' '\(hashed)/' && openssl rehash '\(hashed)'"]).status == 0)
        for store in [["SSL_CERT_DIR": hashed], ["SSL_CERT_FILE": pki.directory + "/ca.pem"]] {
            let before = try receiver.state()["batches"] as? [Any] ?? []
            let system = try RunningAgent(environment: pushEnvironment(receiver, store), directory: state)
            #expect(try receiver.wait { ($0["batches"] as? [Any])?.count ?? 0 > before.count + 1 }, "\(store)")
            _ = system.stop()
        }
    }

    @Test func httpsGoesThroughTheProxyInHttpsProxyUnlessNoProxyNamesTheHost() throws {
        let pki = try PrivateCA()
        defer { pki.remove() }
        let receiver = try Receiver(tls: (pki.directory + "/server.pem", pki.directory + "/server.key"))
        let proxy = try TinyProxy(directory: pki.directory)
        let viaProxy = ["CA_FILE": pki.directory + "/ca.pem", "https_proxy": "http://127.0.0.1:\(proxy.port)"]
        // One state directory for both agents: the second keeps the first's token (the receiver, as the
        // dashboard does, would not give a re-registering agent a new one).
        let state = try temporaryDirectory("proxy-state")
        defer { try? FileManager.default.removeItem(atPath: state) }
        let proxied = try RunningAgent(environment: pushEnvironment(receiver, viaProxy), directory: state)
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
        _ = proxied.stop()
        #expect(proxy.log().contains("CONNECT") && proxy.log().contains("127.0.0.1:\(receiver.port)"), "\(proxy.log())")
        let tunnels = proxy.log().components(separatedBy: "Established connection to host \"127.0.0.1\"").count - 1
        #expect(tunnels >= 1, "\(proxy.log())")

        let before = try receiver.state()["heartbeats"] as? Int ?? 0
        let bypass = viaProxy.merging(["no_proxy": "localhost, 127.0.0.1"]) { $1 }
        let direct = try RunningAgent(environment: pushEnvironment(receiver, bypass), directory: state)
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) > before + 1 })
        _ = direct.stop()
        let after = proxy.log().components(separatedBy: "Established connection to host \"127.0.0.1\"").count - 1
        #expect(after == tunnels, "no_proxy bypassed the proxy: \(proxy.log())")
    }

    /// A proxy that wants Basic authentication gets user:password from the proxy URL; without them the
    /// error says what the proxy answered.
    @Test func proxyCredentialsFromTheProxyURLAreSent() throws {
        let pki = try PrivateCA()
        defer { pki.remove() }
        let receiver = try Receiver(tls: (pki.directory + "/server.pem", pki.directory + "/server.key"))
        let proxy = try TinyProxy(directory: pki.directory, extra: "BasicAuth agent pa55word")
        let anonymous = try RunningAgent(
            environment: pushEnvironment(receiver, ["CA_FILE": pki.directory + "/ca.pem", "https_proxy": "http://127.0.0.1:\(proxy.port)"]))
        let health = try pollHealth(anonymous, seconds: 10) { ($0["push"] as? [String: Any])?["last_error"] is String }
        _ = anonymous.stop()
        let error = ((health?["push"] as? [String: Any])?["last_error"] as? String) ?? "(none)"
        #expect(error == "proxy: authentication required (HTTP 407)", "\(error)")
        let named = try RunningAgent(
            environment: pushEnvironment(
                receiver, ["CA_FILE": pki.directory + "/ca.pem", "https_proxy": "http://agent:pa55word@127.0.0.1:\(proxy.port)"]))
        defer { _ = named.stop() }
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
    }

    /// http:// goes to the proxy in http_proxy as an absolute-form request; HTTP_PROXY, which libcurl
    /// ignores (a CGI program could have it from a request's Proxy: header), is ignored too.
    @Test func httpGoesThroughTheProxyInHttpProxyButNotInHTTP_PROXY() throws {
        let directory = try temporaryDirectory("http-proxy")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let receiver = try Receiver()
        let proxy = try TinyProxy(directory: directory)
        let state = try temporaryDirectory("http-proxy-state")
        defer { try? FileManager.default.removeItem(atPath: state) }
        let upper = try RunningAgent(environment: pushEnvironment(receiver, ["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)"]), directory: state)
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
        _ = upper.stop()
        #expect(!proxy.log().contains("http://127.0.0.1:\(receiver.port)/"), "\(proxy.log())")
        let lower = try RunningAgent(environment: pushEnvironment(receiver, ["http_proxy": "http://127.0.0.1:\(proxy.port)"]), directory: state)
        let before = try receiver.state()["heartbeats"] as? Int ?? 0
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) > before + 1 })
        _ = lower.stop()
        #expect(proxy.log().contains("POST http://127.0.0.1:\(receiver.port)/agent/heartbeat HTTP/1.1"), "\(proxy.log())")
    }

    /// Polls the agent's health (bounded) until `condition` holds; the last health seen, or nil.
    func pollHealth(_ agent: RunningAgent, seconds: Double, _ condition: ([String: Any]) -> Bool) throws -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let health = try agent.get("/api/v1/health").json, condition(health) { return health }
            usleep(100_000)  // polling another process, not waiting on our own code
        }
        return nil
    }
}

/// A CA and a server certificate for 127.0.0.1 (an IP SAN only), made with the openssl CLI.
struct PrivateCA {
    let directory: String

    init() throws {
        directory = try temporaryDirectory("pki")
        let script = """
            set -e
            cd '\(directory)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1' > ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext 2>/dev/null
            """
        guard try run("/bin/bash", ["-c", script]).status == 0 else { throw TestFailure("openssl could not make the PKI") }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Debian's tinyproxy in the foreground on a loopback port of its own, logging each connection.
final class TinyProxy {
    let process = Process()
    let port: Int
    let logPath: String

    init(directory: String, extra: String = "") throws {
        port = try freePort()
        logPath = directory + "/tinyproxy.log"
        let config = """
            Port \(port)
            Listen 127.0.0.1
            Timeout 30
            MaxClients 8
            Allow 127.0.0.1
            LogLevel Connect
            LogFile "\(logPath)"
            \(extra)
            """
        try config.write(toFile: directory + "/tinyproxy.conf", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: try which("tinyproxy"))
        process.arguments = ["-d", "-c", directory + "/tinyproxy.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            // Any answer (400 for "GET /", 407 with BasicAuth) says it listens.
            if (try? run("curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/"]))?.status == 0 { return }
            usleep(50_000)  // polling another process until it listens
        }
        throw TestFailure("tinyproxy did not listen on \(port): \(log())")
    }

    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
