import Foundation
import Testing

/// The real binary pushing to Tests/Receiver/receiver.py, which enforces the dashboard's protocol.
@Suite(.serialized) struct PushTests {
    @Test func registersSavesTheTokenPrivatelyAndReusesItAfterARestart() throws {
        let receiver = try Receiver()
        let directory = try temporaryDirectory("register")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "# my settings\nLOG_LEVEL=info\n\n# keep me\n".write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        let first = try RunningAgent(environment: pushEnvironment(receiver), directory: directory)
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= 1 && ($0["batches"] as? [Any])?.isEmpty == false })
        _ = first.stop()
        let env = try String(contentsOfFile: directory + "/.env", encoding: .utf8)
        let token = try #require(env.split(separator: "\n").first { $0.hasPrefix("API_TOKEN=") }.map { String($0.dropFirst(10)) })
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
        #expect(env.hasPrefix("# my settings\nLOG_LEVEL=info\n\n# keep me\nAPI_TOKEN="), "\(env)")
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/.env")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let agents = try #require(try receiver.state()["agents"] as? [String: [String: Any]])
        #expect(agents.count == 1 && agents.first?.value["token"] as? String == token)
        #expect((agents.first?.value["hostname"] as? String) == "test-host")

        let second = try RunningAgent(environment: pushEnvironment(receiver), directory: directory)
        let before = try receiver.state()["heartbeats"] as? Int ?? 0
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) > before })
        _ = second.stop()
        #expect(try receiver.state()["registrations"] as? Int == 1, "the saved token was reused, not replaced")
    }

    @Test func everySampleArrivesOnceWithItsOwnTimeAndTheFinalFlushSendsTheRest() throws {
        let receiver = try Receiver()
        let directory = try temporaryDirectory("batches")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let agent = try RunningAgent(environment: pushEnvironment(receiver), directory: directory)
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.count ?? 0 >= 3 })
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
        let times = receivedSampleTimes(try receiver.metrics())
        #expect(Set(times).count == times.count, "no sample twice")
        #expect(times == times.sorted(), "oldest first")
        #expect(times.count == spoolAcked(directory), "every spooled sample was sent: \(times.count) vs \(String(describing: spoolAcked(directory)))")
        let items = try receiver.metrics()
        #expect(items.allSatisfy { ($0["recorded_at"] as? String)?.hasSuffix("Z") == true })
        #expect(Set(items.compactMap { $0["metric_type"] as? String }) == ["cpu", "memory", "disk", "network", "io"])
        #expect(Set(items.compactMap { $0["batch_id"] as? String }).count >= 3)
        #expect(log.contains("final flush"))
    }

    @Test func outageWithAKillAndRestartLosesNothingAndDuplicatesNothing() throws {
        let receiver = try Receiver()
        let directory = try temporaryDirectory("outage")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var agent = try RunningAgent(environment: pushEnvironment(receiver), directory: directory)
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
        try receiver.control(["mode": "drop"])
        let health = try #require(try pollHealth(agent, seconds: 10) { ($0["push"] as? [String: Any])?["dashboard_reachable"] as? Bool == false })
        #expect(health["status"] as? String == "degraded")
        agent.kill9()  // mid-outage, with samples only in the spool
        agent = try RunningAgent(environment: pushEnvironment(receiver), directory: directory)
        _ = try pollHealth(agent, seconds: 10) { (($0["push"] as? [String: Any])?["spool"] as? [String: Any])?["samples"] as? Int ?? 0 > 10 }
        try receiver.control(["mode": "ok"])
        #expect(try pollHealth(agent, seconds: 20) { spoolSamples($0) == 0 } != nil, "the backlog drains")
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
        let times = receivedSampleTimes(try receiver.metrics())
        #expect(Set(times).count == times.count, "no sample twice")
        #expect(times == times.sorted(), "in order")
        let collected = spoolAcked(directory)  // with the spool drained, everything collected was acknowledged
        #expect(times.count == collected, "\(times.count) received of \(collected) collected")
        #expect(log.contains("dashboard reachable again"), "\(log)")
    }

    @Test func rejectedBatchIsSetAsideAndTheQueueMovesOn() throws {
        let receiver = try Receiver()
        try receiver.control(["reject_next_metrics": 1])
        let agent = try RunningAgent(environment: pushEnvironment(receiver))
        defer { _ = agent.stop() }
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
        let health = try #require(try pollHealth(agent, seconds: 10) { ($0["push"] as? [String: Any])?["batches_rejected"] as? Int == 1 })
        #expect(health["status"] as? String == "ok")
        let rejected = try FileManager.default.contentsOfDirectory(atPath: agent.directory + "/spool/rejected")
        #expect(rejected.count == 1)
        let record = try String(contentsOfFile: agent.directory + "/spool/rejected/" + rejected[0], encoding: .utf8)
        #expect(record.contains("\"status\": 422") && record.contains("metric_type is invalid"))
    }

    @Test func aKnownMachineWithALostTokenIsToldToTheOperator() throws {
        let receiver = try Receiver()
        let directory = try temporaryDirectory("quirk")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try RunningAgent(environment: pushEnvironment(receiver), directory: directory)
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= 1 })
        _ = first.stop()
        try FileManager.default.removeItem(atPath: directory + "/.env")  // the token is lost
        let second = try RunningAgent(environment: pushEnvironment(receiver), directory: directory)
        let health = try #require(try pollHealth(second, seconds: 10) { ($0["push"] as? [String: Any])?["registration"] as? String == "token_rejected" })
        let (_, log) = second.stop()
        #expect(health["status"] as? String == "degraded")
        let action = ((health["push"] as? [String: Any])?["operator_action"] as? String) ?? ""
        #expect(action.contains("already knows this machine") && action.contains("API_TOKEN"), "\(action)")
        #expect(log.components(separatedBy: "already knows this machine").count == 2, "said once in the log")
        #expect(try receiver.state()["registrations"] as? Int == 2, "registered again exactly once")
    }

    @Test func tooManyRequestsIsRetriedNoSoonerThanRetryAfter() throws {
        let receiver = try Receiver()
        let agent = try RunningAgent(environment: pushEnvironment(receiver))
        defer { _ = agent.stop() }
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
        let gap = try receiver.secondsFromARefusalToTheNextRequest(["retry_after": 3])
        #expect(gap >= 2.9, "next request \(gap) s after the 429 with Retry-After: 3")
    }

    @Test func aRefusedRegistrationIsAskedAgainEverLessOftenAndLoggedOnce() throws {
        let receiver = try Receiver()
        try receiver.control(["refuse_registration": true])
        let agent = try RunningAgent(environment: pushEnvironment(receiver, ["RETRY_MAX_SECONDS": "60"]))
        func attempts(_ state: [String: Any]) -> [Double] {
            (state["requests"] as? [[Any]] ?? []).filter { ($0[2] as? String) == "/agent/register" }.compactMap { $0[0] as? Double }
        }
        // Base 1 s, doubled per refusal, jitter down to half: the third wait is at least 2 s (at most 4).
        // Asked again at the base pace, as refusals once were, every wait stays under 1 s.
        #expect(try receiver.wait(seconds: 15, until: { attempts($0).count >= 4 }))
        let (_, log) = agent.stop()
        let times = attempts(try receiver.state())
        let waits = zip(times.dropFirst(), times).map { $0 - $1 }
        #expect(waits.count >= 3 && waits[2] >= 1.9, "waits between registrations: \(waits)")
        #expect(log.components(separatedBy: "refused registration").count - 1 == 1, "\(log)")
    }

    @Test func aFullSpoolDropsTheOldestAndCountsThem() throws {
        let receiver = try Receiver()
        try receiver.control(["mode": "drop"])
        let agent = try RunningAgent(environment: pushEnvironment(receiver, ["SPOOL_MAX_BYTES": "4096", "COLLECTION_INTERVAL": "0.05"]))
        // Each wait is on what the figures show, never on a health request queuing behind an append: the
        // spool publishes its figures after the bound is enforced, so any reading is a settled one.
        let full = try #require(try pollHealth(agent, seconds: 15) { dropped($0) > 0 }, "dropping the oldest is counted")
        #expect(spoolBytes(full) <= 4096, "the spool stays within SPOOL_MAX_BYTES")
        // The spool keeps dropping while the dashboard is away, and stays bounded as it does.
        let later = try #require(try pollHealth(agent, seconds: 15) { dropped($0) > dropped(full) }, "dropping goes on")
        #expect(spoolBytes(later) <= 4096)
        let metrics = try agent.get("/metrics").body
        #expect(metrics.contains("shelteragent_spool_dropped_samples_total "))
        let backlog = try #require(try agent.get("/api/v1/health").json)
        try receiver.control(["mode": "ok"])
        // Collection goes on every 50 ms and sends every second, so "drained" is the backlog as it was when
        // the dashboard came back delivered (oldest first), not a spool caught empty between two appends.
        let drained = try pollHealth(agent, seconds: 20) { sent($0) - sent(backlog) >= max(1, spoolSamples(backlog) ?? 0) }
        #expect(drained != nil, "the rest drains")
        _ = agent.stop()
        let times = receivedSampleTimes(try receiver.metrics())
        #expect(!times.isEmpty && Set(times).count == times.count)
    }

    func pushSpool(_ health: [String: Any]) -> [String: Any] {
        ((health["push"] as? [String: Any])?["spool"] as? [String: Any]) ?? [:]
    }

    func sent(_ health: [String: Any]) -> Int { (health["push"] as? [String: Any])?["samples_sent"] as? Int ?? 0 }

    func dropped(_ health: [String: Any]) -> Int { (health["push"] as? [String: Any])?["samples_dropped"] as? Int ?? 0 }

    func spoolBytes(_ health: [String: Any]) -> Int { pushSpool(health)["bytes"] as? Int ?? .max }

    @Test func sigtermFlushesWithinTheBound() throws {
        let receiver = try Receiver()
        let agent = try RunningAgent(environment: pushEnvironment(receiver, ["SEND_INTERVAL": "600", "SHUTDOWN_FLUSH_SECONDS": "3"]))
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= 1 })
        _ = try pollHealth(agent, seconds: 10) { (($0["push"] as? [String: Any])?["spool"] as? [String: Any])?["samples"] as? Int ?? 0 >= 5 }
        let before = Date()
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
        #expect(Date().timeIntervalSince(before) < 4, "the final flush is bounded")
        #expect(log.contains("final flush sent everything"), "\(log)")
        #expect(receivedSampleTimes(try receiver.metrics()).count >= 5)
    }

    @Test func sigtermIsNotHeldUpByAHungDashboard() throws {
        let receiver = try Receiver()
        let agent = try RunningAgent(environment: pushEnvironment(receiver, ["SHUTDOWN_FLUSH_SECONDS": "1"]))
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= 1 })
        try receiver.control(["mode": "slow"])  // every answer now takes 30 s
        usleep(1_500_000)  // let a request get stuck; the agent's timeouts are 15 s
        let before = Date()
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
        // The request under way is cut short and the final send gets its 1 s: far less than the 15 s timeout.
        #expect(Date().timeIntervalSince(before) < 3, "SIGTERM took \(Date().timeIntervalSince(before)) s")
    }

    @Test func httpsWithAPrivateCAGivenByCAFile() throws {
        let directory = try temporaryDirectory("tls")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = """
            set -e
            cd '\(directory)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1' > ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext 2>/dev/null
            """
        #expect(try run("/bin/bash", ["-c", script]).status == 0)
        let receiver = try Receiver(tls: (directory + "/server.pem", directory + "/server.key"))
        let untrusted = try RunningAgent(environment: pushEnvironment(receiver))
        let refused = try pollHealth(untrusted, seconds: 10) { ($0["push"] as? [String: Any])?["dashboard_reachable"] as? Bool == false }
        _ = untrusted.stop()
        let lastError = ((refused?["push"] as? [String: Any])?["last_error"] as? String) ?? ""
        #expect(lastError.lowercased().contains("certificate"), "\(lastError)")
        let trusted = try RunningAgent(environment: pushEnvironment(receiver, ["CA_FILE": directory + "/ca.pem"]))
        defer { _ = trusted.stop() }
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
    }

    func spoolSamples(_ health: [String: Any]) -> Int? {
        ((health["push"] as? [String: Any])?["spool"] as? [String: Any])?["samples"] as? Int
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
