import Foundation
import Testing

/// HTTPS on the endpoint (HTTP_TLS_CERT_FILE, HTTP_TLS_KEY_FILE, HTTP_TLS_CLIENT_CA_FILE) with real clients:
/// curl over both ALPN protocols, nghttp, h2load, httpx, requests, wget, openssl s_client, Prometheus.
@Suite(.serialized) struct TLSTests {
    static let routes = ["/metrics", "/api/v1/health", "/api/v1/metrics", "/api/v1/processes", "/"]

    @Test func everyClientGetsEveryRouteOverHTTPS() throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let agent = try RunningAgent(environment: fixtureEnvironment.merging(tls.environment()) { $1 })
        defer { _ = agent.stop() }
        #expect(agent.baseURL.hasPrefix("https://127.0.0.1:"))
        let port = String(agent.baseURL.split(separator: ":").last!)
        let hosts = ["https://127.0.0.1:\(port)", "https://localhost:\(port)"]
        for route in Self.routes {
            for (flag, version) in [("--http1.1", "1.1"), ("--http2", "2")] {
                let result = try run("curl", ["-sS", "--max-time", "10", "--cacert", tls.ca, flag, "-o", "/dev/null",
                                              "-w", "%{http_code} %{http_version}", hosts[route.count % 2] + route])
                #expect(result.status == 0 && result.stdout == "200 \(version)", "curl \(flag) \(route): \(result.stdout) \(result.stderr)")
            }
        }
        // The live stream over both: the first event comes at once; curl stops reading after 2 s (exit 28).
        for flag in ["--http1.1", "--http2"] {
            let stream = try run("curl", ["-sSN", "--max-time", "2", "--cacert", tls.ca, flag, agent.baseURL + "/api/v1/stream"])
            #expect(stream.stdout.hasPrefix("event: snapshot\nid: 1\ndata: {"), "\(flag): \(stream.stdout.prefix(200)) \(stream.stderr)")
        }
        // nghttp speaks HTTP/2 only, chosen by ALPN.
        let nghttp = try run("nghttp", ["-v", "-t", "10", agent.baseURL + "/metrics"])
        #expect(nghttp.stdout.contains("The negotiated protocol: h2") && nghttp.stdout.contains(":status: 200"), "\(nghttp.stdout.prefix(2000))")
        let h2load = try run("h2load", ["-n", "400", "-c", "4", "-m", "10", agent.baseURL + "/metrics"])
        #expect(h2load.stdout.contains("Application protocol: h2"), "\(h2load.stdout)")
        #expect(h2load.stdout.contains("400 succeeded, 0 failed, 0 errored"), "\(h2load.stdout)")
        let python = try run("python3", [Paths.repository + "/Tests/TLS/clients.py", agent.baseURL + "/metrics", tls.ca])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(python.stdout.utf8)) as? [String: Any],
                                  "\(python.stderr)")
        for (client, version) in [("httpx_h1", "HTTP/1.1"), ("httpx_h2", "HTTP/2"), ("requests", "HTTP/1.1")] {
            let answer = report[client] as? [String: Any]
            #expect(answer?["status"] as? Int == 200 && answer?["version"] as? String == version, "\(client): \(report)")
            #expect((answer?["length"] as? Int ?? 0) > 10_000, "\(client): \(report)")
        }
        // Session resumption: a second connection resumes the first's session (TLS 1.2 by id, 1.3 by ticket).
        #expect(report["resumed_tls12"] as? Bool == true && report["resumed_tls13"] as? Bool == true, "\(python.stdout)")
        let wget = try run("wget", ["-q", "-T", "10", "--ca-certificate=\(tls.ca)", "-O", "-", agent.baseURL + "/api/v1/health"])
        #expect(wget.status == 0 && wget.stdout.contains("\"status\":\"ok\""), "\(wget.stderr)")
    }

    @Test func onlyTLS12And13AreSpokenAndALPNPrefersH2() throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let agent = try RunningAgent(environment: fixtureEnvironment.merging(tls.environment()) { $1 })
        defer { _ = agent.stop() }
        let port = String(agent.baseURL.split(separator: ":").last!)
        for version in ["tls1", "tls1_1"] {
            let handshake = try TLSHandshake.attempt(port: port, ca: tls.ca, version: version)
            #expect(!handshake.completed, "\(version) was accepted: \(handshake.output)")
            #expect(handshake.output.contains("alert protocol version"), "\(version): \(handshake.output)")
        }
        for (version, name) in [("tls1_2", "TLSv1.2"), ("tls1_3", "TLSv1.3")] {
            let handshake = try TLSHandshake.attempt(port: port, ca: tls.ca, version: version)
            #expect(handshake.completed && handshake.protocolVersion == name, "\(version): \(handshake.output)")
            #expect(handshake.alpn == "h2", "\(version): \(handshake.output)")
            let older = try TLSHandshake.attempt(port: port, ca: tls.ca, version: version, alpn: "http/1.1")
            #expect(older.alpn == "http/1.1", "\(version): \(older.output)")
        }
    }

    @Test func plainHTTPToTheTLSPortIsToldSoAndClosed() throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let agent = try RunningAgent(environment: fixtureEnvironment.merging(tls.environment()) { $1 })
        defer { _ = agent.stop() }
        let plain = agent.baseURL.replacingOccurrences(of: "https://", with: "http://")
        let answer = try curl(plain + "/metrics")
        #expect(answer.status == 400)
        #expect(answer.body.contains("The plain HTTP request was sent to HTTPS port"), "\(answer.body)")
        #expect(answer.headers["connection"] == "close")
        // The port still speaks TLS to the next client.
        #expect(try agent.get("/api/v1/health", ["--cacert", tls.ca]).status == 200)
    }

    @Test func clientCertificatesAreRequiredWhenAsked() throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let agent = try RunningAgent(
            environment: fixtureEnvironment.merging(tls.environment(clientCertificates: true)) { $1 }
                .merging(["HTTP_AUTH_TOKEN": "scrape-token"]) { $1 })
        defer { _ = agent.stop() }
        let url = agent.baseURL + "/metrics"
        let bare = try run("curl", ["-sS", "--max-time", "10", "--cacert", tls.ca, "-o", "/dev/null", "-w", "%{http_code}", url])
        // No HTTP status at all: the handshake failed (curl 56, "certificate required", or 35).
        #expect(bare.status != 0 && bare.stdout == "000", "\(bare.stdout) \(bare.stderr)")
        #expect(bare.stderr.contains("certificate required") || bare.stderr.contains("alert"), "\(bare.stderr)")
        let stray = try run("curl", ["-sS", "--max-time", "10", "--cacert", tls.ca, "--cert", tls.cert, "--key", tls.strayKey,
                                     "-o", "/dev/null", "-w", "%{http_code}", url])
        #expect(stray.status != 0 && stray.stdout == "000", "a certificate without its key: \(stray.stdout)")
        let client = ["--cacert", tls.ca, "--cert", tls.clientCert, "--key", tls.clientKey]
        #expect(try agent.get("/metrics", client).status == 401)  // the bearer token still applies on top
        #expect(try agent.get("/metrics", client + ["-H", "Authorization: Bearer scrape-token"]).status == 200)
        #expect(try agent.get("/metrics", client + ["--http2", "-H", "Authorization: Bearer scrape-token"]).status == 200)
    }

    @Test func prometheusScrapesOverHTTPSWithAndWithoutClientCertificates() throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let server = try RunningAgent(environment: fixtureEnvironment.merging(tls.environment()) { $1 })
        defer { _ = server.stop() }
        let mutual = try RunningAgent(environment: fixtureEnvironment.merging(tls.environment(clientCertificates: true)) { $1 })
        defer { _ = mutual.stop() }
        func target(_ agent: RunningAgent) -> String { agent.baseURL.replacingOccurrences(of: "https://", with: "") }
        let scrape = PrometheusScrapeTests()
        let directory = try temporaryDirectory("prometheus-tls")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: tls
                scheme: https
                tls_config: {ca_file: \(tls.ca)}
                static_configs: [{targets: ['\(target(server))']}]
              - job_name: mtls
                scheme: https
                tls_config: {ca_file: \(tls.ca), cert_file: \(tls.clientCert), key_file: \(tls.clientKey)}
                static_configs: [{targets: ['\(target(mutual))']}]
              - job_name: mtls_without_certificate
                scheme: https
                tls_config: {ca_file: \(tls.ca)}
                static_configs: [{targets: ['\(target(mutual))']}]
            """.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        let port = try scrape.freePort()
        let prometheus = try scrape.startPrometheus(directory: directory, port: port)
        defer {
            prometheus.terminate()
            prometheus.waitUntilExit()
        }
        func up(_ job: String) throws -> String? {
            try scrape.poll(seconds: 60) { try? scrape.value(of: curl("http://127.0.0.1:\(port)/api/v1/query?query=up%7Bjob%3D%22\(job)%22%7D")) }
        }
        #expect(try up("tls") == "1")
        #expect(try up("mtls") == "1")
        #expect(try up("mtls_without_certificate") == "0")
        let targets = try curl("http://127.0.0.1:\(port)/api/v1/targets").body
        #expect(targets.contains("certificate required"), "the failed scrape's error: \(targets.prefix(3000))")
    }

    /// Noticed on SIGHUP, or by the check at each collection pass (0.5 s here) with no signal at all.
    @Test(arguments: ["sighup", "watch"])
    func aReplacedCertificateServesNewConnectionsWhileOpenOnesFinish(_ how: String) throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let log = tls.directory + "/agent.log"
        let agent = try RunningAgent(
            environment: fixtureEnvironment.merging(tls.environment()) { $1 }
                .merging(["LOG_FILE": log, "COLLECTION_INTERVAL": how == "watch" ? "0.5" : "3600"]) { $1 })
        defer { _ = agent.stop() }
        let port = String(agent.baseURL.split(separator: ":").last!)
        let oldSerial = try tls.serial(tls.cert), newSerial = try tls.serial(tls.nextCert)
        let result = try run("python3", [
            Paths.repository + "/Tests/TLS/rotation.py", port, tls.ca, tls.cert, tls.key, tls.nextCert, tls.nextKey,
            tls.strayKey, String(agent.process.processIdentifier), log, how,
        ])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        #expect(report["first_status"] as? Int == 200)
        #expect(report["old_serial"] as? String == oldSerial, "\(report)")
        #expect(report["new_connection_serial"] as? String == newSerial, "\(report)")
        // The connection opened before the change finishes its next request, on the certificate it began with.
        #expect(report["kept_status"] as? Int == 200, "\(report)")
        #expect(report["kept_serial"] as? String == oldSerial, "\(report)")
        // A key that does not match is refused, logged, and the new pair stays in service.
        #expect(report["refusal_logged"] as? Bool == true, "\(report)")
        #expect(report["after_bad_serial"] as? String == newSerial, "\(report)")
        #expect(try agent.get("/api/v1/health", ["--cacert", tls.ca]).status == 200)
    }

    @Test func aPairThatDoesNotLoadOrMatchExits2NamingTheSettings() throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let good = try runAgent(["--check-config", "--listen", "127.0.0.1:0"], environment: fixtureEnvironment.merging(tls.environment()) { $1 })
        #expect(good.status == 0, "\(good.stdout)")
        #expect(good.stdout.contains("certificate and key load and match"), "\(good.stdout)")
        var stray = fixtureEnvironment.merging(tls.environment()) { $1 }
        stray["HTTP_TLS_KEY_FILE"] = tls.strayKey
        let mismatched = try runAgent(["--check-config", "--listen", "127.0.0.1:0"], environment: stray)
        #expect(mismatched.status == 2)
        #expect(mismatched.stdout.contains("problem: HTTP_TLS_CERT_FILE \(tls.cert), HTTP_TLS_KEY_FILE \(tls.strayKey)"), "\(mismatched.stdout)")
        let start = try runAgentBounded(["--listen", "127.0.0.1:0"], environment: stray)
        #expect(start.status == 2 && !start.timedOut)
        #expect(start.stderr.contains("HTTP_TLS_KEY_FILE \(tls.strayKey)"), "\(start.stderr)")
        var missing = fixtureEnvironment.merging(tls.environment()) { $1 }
        missing["HTTP_TLS_CERT_FILE"] = tls.directory + "/absent.pem"
        let absent = try runAgentBounded(["--listen", "127.0.0.1:0"], environment: missing)
        #expect(absent.status == 2 && absent.stderr.contains("certificate file \(tls.directory)/absent.pem"), "\(absent.stderr)")
        var half = fixtureEnvironment
        half["HTTP_TLS_CERT_FILE"] = tls.cert
        let alone = try runAgentBounded(["--listen", "127.0.0.1:0"], environment: half)
        #expect(alone.status == 2 && alone.stderr.contains("HTTP_TLS_KEY_FILE"), "\(alone.stderr)")
    }

    /// Without TLS no TLS library is mapped; with it, what it adds after a few HTTPS requests.
    @Test func tlsLibrariesAreLoadedOnlyWhenConfigured() throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        func exercise(_ agent: RunningAgent, _ extra: [String]) throws -> (maps: String, status: [String: Int]) {
            for route in Self.routes {
                #expect(try agent.get(route, extra).status == 200)
                #expect(try agent.get(route, extra + ["--http2"]).status == 200)
            }
            let pid = agent.process.processIdentifier
            let maps = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)
            var status: [String: Int] = [:]
            for line in try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8).split(separator: "\n") {
                let parts = line.split { $0 == " " || $0 == "\t" }
                if parts.count == 3, parts[2] == "kB" { status[String(parts[0].dropLast())] = Int(parts[1]) }
            }
            return (maps, status)
        }
        let plain = try RunningAgent(environment: fixtureEnvironment)
        let cleartext = try exercise(plain, [])
        _ = plain.stop()
        #expect(!cleartext.maps.contains("libssl"), "libssl mapped without TLS")
        #expect(!cleartext.maps.contains("libcrypto"), "libcrypto mapped without TLS")
        let secure = try RunningAgent(environment: fixtureEnvironment.merging(tls.environment()) { $1 })
        let encrypted = try exercise(secure, ["--cacert", tls.ca])
        _ = secure.stop()
        #expect(encrypted.maps.contains("libssl.so.3"))
        let rss = (encrypted.status["VmRSS"] ?? 0) - (cleartext.status["VmRSS"] ?? 0)
        let anonymous = (encrypted.status["RssAnon"] ?? 0) - (cleartext.status["RssAnon"] ?? 0)
        print("tls memory: VmRSS +\(rss) KiB, of which anonymous +\(anonymous) KiB, the rest libssl's and libcrypto's pages")
        // Memory of the agent's own (the heap OpenSSL grows): at most 3 MiB. The library pages are the shared
        // page cache's and count in VmRSS too (the figure printed above).
        #expect(anonymous <= 3 * 1024, "RssAnon +\(anonymous) KiB")
    }
}
