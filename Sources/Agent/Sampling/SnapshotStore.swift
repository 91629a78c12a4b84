import API
import Synchronization

/// The one owner of the latest snapshot and the recent history. The sampler publishes; the endpoint (and
/// later the pusher) read. Readers never trigger collection.
final class SnapshotStore: Sendable {
    private struct State {
        var latest: Snapshot?
        var history: [Snapshot] = []
        var nextSlot = 0
    }

    private let state = Mutex(State())
    let historyCapacity: Int

    init(historyCapacity: Int) {
        self.historyCapacity = max(1, historyCapacity)
    }

    func publish(_ snapshot: Snapshot) {
        let trimmed = snapshot.forHistory
        state.withLock { state in
            state.latest = snapshot
            if state.history.count < historyCapacity {
                state.history.append(trimmed)
            } else {
                state.history[state.nextSlot] = trimmed
            }
            state.nextSlot = (state.nextSlot + 1) % historyCapacity
        }
    }

    var latest: Snapshot? { state.withLock { $0.latest } }

    /// Oldest first, without process tables.
    var history: [Snapshot] {
        state.withLock { state in
            guard state.history.count == historyCapacity else { return state.history }
            return Array(state.history[state.nextSlot...] + state.history[..<state.nextSlot])
        }
    }
}
