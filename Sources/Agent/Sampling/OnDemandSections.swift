import API
import HostMetrics
import Synchronization

/// The collectors read only when their families are asked for (`CollectorCadence.whenRead`: netstat,
/// vmstat, sockstat and the other kernel counters no chart, history or push uses). The first reader after a
/// pass that shows them (a scrape, the JSON snapshot, a stream of whole snapshots, remote write) reads them,
/// and every later reader of that pass gets the same sections, so they cost one read per pass somebody
/// looks at, never more than the passes.
///
/// Their one owner: the lock keeps a scrape on the server's thread and a pass feeding remote write on the
/// sampler's from reading them at once, and holds them while they read (about 0.5 ms here).
final class OnDemandSections: Sendable {
    private struct State {
        let sampler: Sampler
        /// The pass the sections were read for; 0 before the first read.
        var readFor: UInt64 = 0
        var sections: [NamedSection] = []
        var statuses: [CollectorStatus] = []
    }

    private let state: Mutex<State>
    /// The collectors it reads, in the registry's order.
    let collectorNames: [String]

    /// `sampler` runs the on-demand collectors only; this object is its one user from now on.
    init(sampler: sending Sampler) {
        collectorNames = sampler.collectorNames
        state = Mutex(State(sampler: sampler))
    }

    /// Whether a `/metrics` filter (nil: every collector) names any collector read here.
    func shows(_ collectors: Set<String>?) -> Bool {
        guard let collectors else { return !collectorNames.isEmpty }
        return collectorNames.contains { collectors.contains($0) }
    }

    /// The pass's snapshot with these sections, read now if this is the first ask since that pass.
    func complete(_ snapshot: Snapshot) -> Snapshot {
        let (sections, statuses) = state.withLock { state in
            if snapshot.sequence > state.readFor {
                let read = state.sampler.sample()
                state.sections = read.sections
                state.statuses = read.collectors
                state.readFor = snapshot.sequence
            }
            return (state.sections, state.statuses)
        }
        return snapshot.adding(sections, statuses: statuses)
    }

    /// The snapshot with the sections last read, for whichever pass, reading nothing: for health and the
    /// live page, which show how every collector fared and should not cost a read each probe.
    func lastRead(_ snapshot: Snapshot) -> Snapshot {
        let (sections, statuses) = state.withLock { ($0.sections, $0.statuses) }
        return snapshot.adding(sections, statuses: statuses)
    }
}
