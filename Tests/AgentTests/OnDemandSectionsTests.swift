import API
import HostMetrics
import Logging
import Synchronization
import Testing

@testable import Agent

/// A collector read only when asked for: it counts its reads and writes the count as its one figure.
final class CountingCollector: Collector, @unchecked Sendable {
    // @unchecked: used by one test at a time, through OnDemandSections' lock.
    let name = "counted"
    let reads = Mutex(0)

    func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let count = reads.withLock { $0 += 1; return $0 }
        var samples = MetricSamples()
        samples.add(MetricDescriptor("node_counted", .gauge, "Reads so far."), [], count)
        snapshot.setSection(name, samples)
    }
}

@Suite struct OnDemandSectionsTests {
    let counter = CountingCollector()

    func onDemand() -> OnDemandSections {
        OnDemandSections(sampler: Sampler(collectors: [counter], hostname: "h", logger: Logger(label: "test")))
    }

    func pass(_ sequence: UInt64) -> Snapshot {
        var snapshot = Snapshot(sequence: sequence, timestamp: Double(sequence), hostname: "h")
        snapshot.setSection("cpu", MetricSamples())
        snapshot.collectors = [CollectorStatus(name: "cpu", success: true, durationSeconds: 0)]
        return snapshot
    }

    func counted(_ snapshot: Snapshot) -> Double? {
        snapshot.section("counted", as: MetricSamples.self)?.value("node_counted")
    }

    @Test func theFirstReaderAfterAPassReadsAndTheOthersOfThatPassShareIt() {
        let sections = onDemand()
        let first = sections.complete(pass(1))
        #expect(counted(first) == 1)
        #expect(first.sections.map(\.collector) == ["cpu", "counted"], "after the pass's own sections")
        #expect(first.collectors.map(\.name) == ["cpu", "counted"])
        #expect(counted(sections.complete(pass(1))) == 1)
        #expect(counted(sections.complete(pass(1))) == 1)
        #expect(counter.reads.withLock { $0 } == 1)
        #expect(counted(sections.complete(pass(2))) == 2, "the next pass's first reader reads again")
        #expect(counted(sections.complete(pass(1))) == 2, "a reader still holding an older pass gets the newest")
        #expect(counter.reads.withLock { $0 } == 2)
    }

    @Test func healthGetsTheLastReadWithoutReading() {
        let sections = onDemand()
        #expect(sections.lastRead(pass(1)).collectors.map(\.name) == ["cpu"], "nothing read yet")
        _ = sections.complete(pass(1))
        let health = sections.lastRead(pass(5))
        #expect(health.collectors.map(\.name) == ["cpu", "counted"])
        #expect(counted(health) == 1)
        #expect(counter.reads.withLock { $0 } == 1)
    }

    @Test func aFilterNamingOnlyPassCollectorsShowsNothingReadOnDemand() {
        let sections = onDemand()
        #expect(sections.shows(nil))
        #expect(sections.shows(["cpu", "counted"]))
        #expect(!sections.shows(["cpu"]))
    }

    @Test func scrapesOfOnePassCostOneReadAndStreamsOfTheFiguresNone() {
        let store = SnapshotStore(historyCapacity: 2)
        var agent = AgentInfo(version: "t", startTime: 0, collectionInterval: 5, defaultProcessLimit: 5)
        agent.collectorNames = ["cpu", "counted"]
        let endpoint = Endpoint(
            store: store, onDemand: onDemand(), agent: agent,
            auth: BearerAuth(token: nil, exemptHealth: false))
        store.publish(pass(1))
        let page = String(decoding: endpoint.respond(to: Request(method: "GET", target: "/metrics")).body, as: UTF8.self)
        #expect(page.contains("node_counted 1"))
        #expect(page.contains("node_scrape_collector_success{collector=\"counted\"} 1"))
        _ = endpoint.respond(to: Request(method: "GET", target: "/metrics", headers: [("Accept-Encoding", "gzip")]))
        _ = endpoint.respond(to: Request(method: "GET", target: "/api/v1/metrics"))
        _ = endpoint.respond(to: Request(method: "GET", target: "/metrics?collect[]=cpu"))
        #expect(counter.reads.withLock { $0 } == 1)
        store.publish(pass(2))
        _ = endpoint.respond(to: Request(method: "GET", target: "/metrics?collect[]=cpu"))
        _ = endpoint.respond(to: Request(method: "GET", target: "/api/v1/health"))
        endpoint.streams.add(1, fields: ["*"])
        endpoint.broadcast(pass(2)) { _, _ in [] }
        #expect(counter.reads.withLock { $0 } == 1, "none of these shows the on-demand families")
        endpoint.streams.add(2, fields: nil)
        var whole = ""
        endpoint.broadcast(pass(2)) { readers, event in
            if readers == [2] { whole = String(decoding: event, as: UTF8.self) }
            return []
        }
        #expect(counter.reads.withLock { $0 } == 2, "a stream of whole snapshots shows them")
        #expect(whole.hasPrefix("event: snapshot"))
        let health = String(decoding: endpoint.respond(to: Request(method: "GET", target: "/api/v1/health")).body, as: UTF8.self)
        #expect(health.contains("\"counted\""), "health shows how the last read fared")
        let filtered = endpoint.respond(to: Request(method: "GET", target: "/metrics?collect[]=counted")).body
        #expect(String(decoding: filtered, as: UTF8.self).contains("node_counted 2"))
        #expect(counter.reads.withLock { $0 } == 2)
    }
}
