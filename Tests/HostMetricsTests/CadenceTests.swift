import API
import Logging
import Testing

@testable import HostMetrics

/// The collectors read only when asked for must hold nothing that a pass's readers use: the history, the
/// live page's charts and the dashboard push see the same with the passes' collectors alone.
@Suite struct CadenceTests {
    @Test func thePassesAloneGiveTheHistoryAndThePushEverythingGives() {
        let sampler = Sampler(
            collectors: StandardCollectors.make(CollectorContext(roots: Fixtures.host)), hostname: "h",
            logger: Logger(label: "test"))
        _ = sampler.sample(at: SampleInstant(monotonic: 100, wall: 1000))
        let all = sampler.sample(at: SampleInstant(monotonic: 105, wall: 1005))
        // The same pass without what the on-demand collectors wrote.
        let everyPass = Set(StandardCollectors.all.filter { $0.info.cadence == .everyPass }.map { $0.info.name })
        var passes = all
        for entry in all.sections where !everyPass.contains(entry.collector) { passes.setSection(entry.collector, nil) }
        #expect(passes.sections.count < all.sections.count)
        let row = passes.historyRow.figures, allRow = all.historyRow.figures
        #expect(row.count > 10)
        #expect(row.map(\.name) == allRow.map(\.name))
        #expect(row.map(\.value) == allRow.map(\.value))
        #expect(DashboardSample(sequence: 1, snapshot: passes) == DashboardSample(sequence: 1, snapshot: all))
        #expect(passes.processes != nil && passes.cgroup != nil && passes.pressure != nil)
    }

    @Test func everyCollectorIsInExactlyOneOfTheTwoSets() {
        let passes = Set(StandardCollectors.make(CollectorContext(roots: Fixtures.host), cadence: .everyPass).map(\.name))
        let onDemand = Set(StandardCollectors.make(CollectorContext(roots: Fixtures.host), cadence: .whenRead).map(\.name))
        #expect(passes.isDisjoint(with: onDemand))
        #expect(passes.union(onDemand) == Set(StandardCollectors.names))
        #expect(passes == ["cpu", "memory", "filesystem", "diskstats", "netdev", "processes", "pressure", "cgroup"])
    }
}
