import Foundation
import Testing

/// Remote write through the real binary into Tests/RemoteWrite/receiver.py, which decodes every request
/// with the official protobuf runtime: what is sent, and what the agent does with each kind of answer.
@Suite(.serialized) struct RemoteWriteEndToEndTests {
    @Test func everySeriesOfMetricsArrivesWithItsOwnTimestampAndTheLabels() throws {
        let receiver = try RemoteWriteReceiver()
        let agent = try RunningAgent(environment: remoteWriteEnvironment(receiver.url, ["REMOTE_WRITE_LABELS": "dc=fra1"]))
        #expect(try receiver.wait { ($0["requests"] as? [Any])?.count ?? 0 >= 3 })
        let page = try agent.get("/metrics").body
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
        let state = try receiver.state()
        #expect((state["problems"] as? [String]) == [], "headers, decoding, label order, sample order: \(state["problems"] ?? "")")
        let samples = try receiver.samples()
        let last = try #require(samples.map(\.timestamp).max())
        let lastCollection = samples.filter { $0.timestamp == last }
        let received = Set(lastCollection.map(\.name))
        let served = Set(page.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            String(line.prefix { $0 != "{" && $0 != " " })
        })
        // Two gauges exist only in some states (a sample waiting; a first success), so a page and a
        // collection a moment apart may differ by them and by nothing else.
        let conditional: Set = [
            "shelteragent_remote_write_oldest_pending_timestamp_seconds", "shelteragent_remote_write_last_success_timestamp_seconds",
        ]
        #expect(received.symmetricDifference(served).subtracting(conditional).isEmpty, "only sent: \(received.subtracting(served)); only served: \(served.subtracting(received))")
        let servedCPU = page.split(separator: "\n").filter { $0.hasPrefix("node_cpu_seconds_total{") }.count
        #expect(lastCollection.filter { $0.name == "node_cpu_seconds_total" }.count == servedCPU)
        #expect(samples.allSatisfy { $0.labels["job"] == "node" && $0.labels["instance"] == "rw-test-host" && $0.labels["dc"] == "fra1" })
        let stamps = samples.filter { $0.name == "shelteragent_last_collection_timestamp_seconds" }
        #expect(stamps.count >= 3)
        #expect(stamps.allSatisfy { Int64(($0.value * 1000).rounded()) == $0.timestamp }, "each collection at its own time")
        #expect(Set(stamps.map(\.timestamp)).count == stamps.count, "each collection once")
    }

    @Test func aRefusedRequestIsSetAsideCountedAndLoggedOnceAndTheQueueMovesOn() throws {
        let receiver = try RemoteWriteReceiver()
        try receiver.control(["mode": "reject400"])
        let agent = try RunningAgent(environment: remoteWriteEnvironment(receiver.url))
        #expect(try receiver.wait { $0["refused"] as? Int ?? 0 >= 3 })
        let health = try #require(try pollRemoteWrite(agent, seconds: 10) { $0["samples_rejected"] as? Int ?? 0 > 0 })
        #expect(health["status"] as? String == "ok", "a refusal is an answer: the receiver is reachable")
        try receiver.control(["mode": "ok"])
        #expect(try receiver.wait { ($0["requests"] as? [Any])?.isEmpty == false }, "later collections are sent")
        let metrics = try agent.get("/metrics").body
        #expect(metrics.contains("shelteragent_remote_write_samples_rejected_total "))
        let rejected = (try? FileManager.default.contentsOfDirectory(atPath: agent.directory + "/remote-write-spool/rejected")) ?? []
        #expect(rejected.contains { $0.hasSuffix(".snappy") } && rejected.contains { $0.hasSuffix(".answer") }, "\(rejected)")
        let (status, log) = agent.stop()
        #expect(status == 0)
        let lines = log.split(separator: "\n").filter { $0.contains("remote-write receiver refused") }
        #expect(lines.count == 1, "logged once, counted always: \(lines)")
    }

    @Test func tooManyRequestsIsRetriedNoSoonerThanRetryAfterAndNothingIsLost() throws {
        let receiver = try RemoteWriteReceiver()
        try receiver.control(["mode": "retry429", "retry_after": 2])
        let directory = try temporaryDirectory("rw-429")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let agent = try RunningAgent(environment: remoteWriteEnvironment(receiver.url), directory: directory)
        #expect(try receiver.wait { ($0["refused_times"] as? [Double])?.count ?? 0 >= 3 })
        let health = try #require(try pollRemoteWrite(agent, seconds: 5) { $0["receiver_reachable"] as? Bool == false })
        #expect(health["status"] as? String == "degraded")
        try receiver.control(["mode": "ok"])
        #expect(try pollRemoteWrite(agent, seconds: 20) { $0["pending_samples"] as? Int == 0 && $0["receiver_reachable"] as? Bool == true } != nil)
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
        let times = try receiver.state()["refused_times"] as? [Double] ?? []
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
        // RETRY_MAX_SECONDS is 1: only Retry-After can make the agent wait 2 s.
        #expect(gaps.allSatisfy { $0 >= 1.95 }, "\(gaps)")
        let stamps = try receiver.samples().filter { $0.name == "shelteragent_last_collection_timestamp_seconds" }
        #expect(stamps.count == remoteWriteCollections(directory), "every collection, once")
        #expect(Set(stamps.map(\.timestamp)).count == stamps.count)
        #expect(log.contains("remote-write receiver reachable again"), "\(log)")
    }

    @Test func checkConfigSendsAnEmptyRequestAndNamesAnUnreachableReceiver() throws {
        let receiver = try RemoteWriteReceiver()
        let good = try runAgentBounded(["--check-config", "--listen", "127.0.0.1:0"], environment: ["REMOTE_WRITE_URL": receiver.url], seconds: 20)
        #expect(good.status == 0 && good.stdout.contains("remote write \(receiver.url) takes an empty request (204)"), "\(good.stdout)")
        #expect((try receiver.state()["problems"] as? [String]) == [], "the empty request is a valid one")
        let port = try freePort()
        let bad = try runAgentBounded(
            ["--check-config", "--listen", "127.0.0.1:0"], environment: ["REMOTE_WRITE_URL": "http://127.0.0.1:\(port)/api/v1/write"], seconds: 20)
        #expect(bad.status == 2 && bad.stdout.contains("problem: REMOTE_WRITE_URL http://127.0.0.1:\(port)/api/v1/write: unreachable"), "\(bad.stdout)")
    }

    @Test func aBearerTokenOrTheURLsCredentialsAreSentAndThePasswordIsNotLogged() throws {
        let receiver = try RemoteWriteReceiver()
        let bearer = try RunningAgent(environment: remoteWriteEnvironment(receiver.url, ["REMOTE_WRITE_BEARER_TOKEN": "tok-123"]))
        #expect(try receiver.wait { ($0["requests"] as? [Any])?.isEmpty == false })
        _ = bearer.stop()
        #expect((try receiver.state()["authorization"] as? [String?])?.contains("Bearer tok-123") == true)
        let basicURL = "http://writer:s3cret-pw@127.0.0.1:\(receiver.port)/api/v1/write"
        let basic = try RunningAgent(environment: remoteWriteEnvironment(basicURL))
        #expect(try receiver.wait { ($0["authorization"] as? [String?])?.contains("Basic d3JpdGVyOnMzY3JldC1wdw==") == true })
        let health = try basic.get("/api/v1/health").body
        let (_, log) = basic.stop()
        #expect(!log.contains("s3cret-pw") && !health.contains("s3cret-pw"), "the password is masked: \(log)")
    }

    @Test func httpsWithAPrivateCAAndAClientCertificate() throws {
        let directory = try temporaryDirectory("rw-tls")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = """
            set -e
            cd '\(directory)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1' > ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=agent 2>/dev/null
            openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 2>/dev/null
            """
        #expect(try run("/bin/bash", ["-c", script]).status == 0)
        let receiver = try RemoteWriteReceiver(tls: (directory + "/server.pem", directory + "/server.key", directory + "/ca.pem"))
        receiver.curlTLS = ["--cacert", directory + "/ca.pem", "--cert", directory + "/client.pem", "--key", directory + "/client.key"]
        let anonymous = try RunningAgent(environment: remoteWriteEnvironment(receiver.url, ["REMOTE_WRITE_CA_FILE": directory + "/ca.pem"]))
        let refused = try pollRemoteWrite(anonymous, seconds: 10) { $0["receiver_reachable"] as? Bool == false }
        _ = anonymous.stop()
        #expect(refused?["status"] as? String == "degraded", "without a client certificate the handshake fails")
        let identified = try RunningAgent(
            environment: remoteWriteEnvironment(
                receiver.url,
                ["REMOTE_WRITE_CA_FILE": directory + "/ca.pem", "REMOTE_WRITE_CLIENT_CERT": directory + "/client.pem",
                 "REMOTE_WRITE_CLIENT_KEY": directory + "/client.key"]))
        defer { _ = identified.stop() }
        #expect(try receiver.wait { ($0["requests"] as? [Any])?.isEmpty == false })
        #expect((try receiver.state()["problems"] as? [String]) == [])
    }

    /// The message names the setting that is missing.
    @Test(arguments: [("REMOTE_WRITE_CLIENT_CERT", "REMOTE_WRITE_CLIENT_KEY"), ("REMOTE_WRITE_CLIENT_KEY", "REMOTE_WRITE_CLIENT_CERT")])
    func aClientCertificateWithoutItsKeyOrTheReverseExits2(_ given: String, _ missing: String) throws {
        let result = try runAgentBounded(["--listen", "127.0.0.1:0"], environment: [given: "/tmp/x.pem"], seconds: 10)
        #expect(result.status == 2 && result.stderr.contains("\(missing)=\"\" (from default)") && result.stderr.contains(given), "\(result.stderr)")
    }

    @Test(arguments: ["1dc=x", "dc", "__name__=x", "dc=a,dc=b", "dc="])
    func aBadLabelExits2NamingTheSetting(_ labels: String) throws {
        for mode in [["--listen", "127.0.0.1:0"], ["--check-config", "--listen", "127.0.0.1:0"]] {
            let result = try runAgentBounded(mode, environment: ["REMOTE_WRITE_LABELS": labels], seconds: 10)
            #expect(result.status == 2 && !result.timedOut, "\(labels) \(mode): \(result.stderr)")
            #expect(result.stderr.contains("REMOTE_WRITE_LABELS=\"\(labels)\" (from environment)"), "\(result.stderr)")
        }
    }
}
