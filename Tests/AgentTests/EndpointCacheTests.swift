import API
import HostMetrics
import Logging
import Testing

@testable import Agent

@Suite struct EndpointCacheTests {
    func snapshot(_ sequence: UInt64, hostname: String) -> Snapshot {
        var snapshot = Snapshot(sequence: sequence, timestamp: Double(sequence), hostname: hostname)
        snapshot.collectors = [CollectorStatus(name: "cpu", success: true, durationSeconds: Double(sequence))]
        return snapshot
    }

    @Test func eachVariantIsCachedPerSnapshotAndRenewedWithTheNext() {
        let store = SnapshotStore(historyCapacity: 2)
        let onDemand = OnDemandSections(sampler: Sampler(collectors: [], hostname: "h", logger: Logger(label: "test")))
        let endpoint = Endpoint(
            store: store, onDemand: onDemand, agent: AgentInfo(version: "t", startTime: 0, collectionInterval: 5, defaultProcessLimit: 5),
            auth: BearerAuth(token: nil, exemptHealth: false))
        let plain = Request(method: "GET", target: "/metrics")
        let gzipped = Request(method: "GET", target: "/metrics", headers: [("Accept-Encoding", "gzip")])
        store.publish(snapshot(1, hostname: "a"))
        let first = endpoint.respond(to: plain).body
        #expect(endpoint.respond(to: plain).body == first)
        #expect(endpoint.respond(to: gzipped).body.starts(with: [0x1f, 0x8b]))
        store.publish(snapshot(2, hostname: "b"))
        let second = endpoint.respond(to: plain).body
        #expect(second != first)
        #expect(String(decoding: second, as: UTF8.self).contains("shelteragent_collector_duration_seconds{collector=\"cpu\"} 2"))
    }

    @Test func historyKeepsTheNewestFiguresAndNoProcesses() {
        let store = SnapshotStore(historyCapacity: 2)
        for sequence in 1...3 {
            var next = snapshot(UInt64(sequence), hostname: "h")
            next.processes = ProcessTable(totalCount: 1, processes: [])
            next.memory = MemorySample(
                totalBytes: 100, usedBytes: UInt64(sequence), freeBytes: 0, availableBytes: 0, usagePercent: 1,
                swapTotalBytes: 0, swapUsedBytes: 0, swapUsagePercent: 0, meminfo: [])
            store.publish(next)
        }
        let window = store.history.window(fields: ["memory_used_bytes"])
        #expect(window.times == [2, 3])
        #expect(window.columns.first?.1 == [2, 3])
        #expect(!store.history.fieldNames.contains { $0.hasPrefix("process") })
        #expect(store.latest?.processes != nil)
    }
}
