import API
import Synchronization

/// The one owner of the latest snapshot and the recent history. The sampler publishes; the endpoint, the
/// stream and the pusher read. Readers never trigger a pass (the on-demand sections are `OnDemandSections`').
final class SnapshotStore: Sendable {
    private struct State {
        var latest: Snapshot?
        var history: HistoryRing
    }

    private let state: Mutex<State>
    let historyCapacity: Int

    init(historyCapacity: Int) {
        self.historyCapacity = max(1, historyCapacity)
        state = Mutex(State(history: HistoryRing(capacity: max(1, historyCapacity))))
    }

    func publish(_ snapshot: Snapshot) {
        let row = snapshot.historyRow
        state.withLock { state in
            state.latest = snapshot
            state.history.append(time: snapshot.timestamp, row: row)
        }
    }

    var latest: Snapshot? { state.withLock { $0.latest } }

    /// A copy of the ring (columns of floats: cheap to copy next to rendering them).
    var history: HistoryRing { state.withLock { $0.history } }
}
