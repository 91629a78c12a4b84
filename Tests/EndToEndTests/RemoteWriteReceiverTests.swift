import Foundation
import Testing

/// Remote write into real time-series databases (Debian's victoria-metrics, and prometheus with its
/// remote-write receiver), read back through their query APIs: across an outage with the agent
/// SIGKILLed and restarted inside it, every collection arrives once, at its own timestamp.
@Suite(.serialized) struct RemoteWriteReceiverTests {
    @Test(arguments: [TimeSeriesDatabase.Kind.victoriaMetrics, .prometheus])
    func anOutageWithAKillAndRestartLosesNothingAndStoresEachSampleOnce(_ kind: TimeSeriesDatabase.Kind) throws {
        let directory = try temporaryDirectory("rw-\(kind)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try TimeSeriesDatabase(kind, directory: directory + "/db")
        let agentDirectory = directory + "/agent"
        let environment = remoteWriteEnvironment(database.writeURL)
        var agent = try RunningAgent(environment: environment, directory: agentDirectory)
        #expect(try pollRemoteWrite(agent, seconds: 15) { $0["samples_sent"] as? Int ?? 0 > 0 } != nil)

        // The outage: a minute. Prometheus gets the same minute; the two together add about two
        // minutes to CI, which is what proving the stated outage costs.
        let outage: TimeInterval = 60
        let outageBegan = Date()
        database.stop()  // the outage begins
        let down = try #require(try pollRemoteWrite(agent, seconds: 10) { $0["receiver_reachable"] as? Bool == false })
        #expect(down["status"] as? String == "degraded")
        _ = try pollRemoteWrite(agent, seconds: 10 + outage / 3) { $0["oldest_pending_age_seconds"] as? Double ?? 0 >= outage / 3 }
        agent.kill9()  // a third of the way into the outage, with its collections only in the spool
        agent = try RunningAgent(environment: environment, directory: agentDirectory)
        // The outage goes on until it has lasted its minute and the oldest waiting sample is that old.
        let waiting = try pollRemoteWrite(agent, seconds: outage + 15) {
            $0["oldest_pending_age_seconds"] as? Double ?? 0 >= outage && Date().timeIntervalSince(outageBegan) >= outage
        }
        #expect(waiting != nil, "the spool kept the outage's samples across the SIGKILL")

        try database.start()  // the outage ends
        let drained = try pollRemoteWrite(agent, seconds: 30) { $0["pending_samples"] as? Int == 0 && $0["receiver_reachable"] as? Bool == true }
        #expect(drained?["status"] as? String == "ok")
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")

        let collected = try #require(remoteWriteCollections(agentDirectory), "the spool says how many collections there were")
        let selector = "shelteragent_last_collection_timestamp_seconds{instance=\"rw-test-host\"}"
        // What a database has acknowledged may take a moment to be searchable: poll, bounded.
        var stored = try database.samples(selector)
        let deadline = Date().addingTimeInterval(10)
        while stored.count < collected && Date() < deadline {
            usleep(200_000)  // polling another process's query API
            stored = try database.samples(selector)
        }
        let gaps = zip(stored, stored.dropFirst()).map { $1.timestamp - $0.timestamp }
        #expect(stored.count == collected, "\(stored.count) stored of \(collected) collected; gaps (ms): \(gaps)\n\(log)")
        #expect(Set(stored.map(\.timestamp)).count == stored.count, "no sample twice")
        // The value is the collection's own wall time, so the stored timestamp must be it: within 10 ms,
        // since VictoriaMetrics keeps about 12 significant digits of a value (1.8e9 s has 13 to the ms), while
        // a receive-time stamp would be seconds off after the outage.
        #expect(stored.allSatisfy { abs(Int64(($0.value * 1000).rounded()) - $0.timestamp) <= 10 }, "each at its own timestamp")
        // Whole collections: another series has a sample at exactly the same timestamps.
        let load = try database.samples("node_load1{instance=\"rw-test-host\"}")
        #expect(load.map(\.timestamp) == stored.map(\.timestamp))
        #expect(log.contains("remote-write receiver reachable again") || log.contains("samples stay"), "\(log)")
    }
}
