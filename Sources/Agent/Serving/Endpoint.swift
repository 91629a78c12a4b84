import API
import HostMetrics
import Synchronization

/// Answers endpoint requests from the latest snapshot. `/metrics` is rendered once per snapshot and
/// cached, so a thousand scrapes of one snapshot cost one rendering.
final class Endpoint: Sendable {
    private let store: SnapshotStore
    let agent: AgentInfo
    private let auth: BearerAuth
    private let metricsCache = Mutex<(sequence: UInt64, body: [UInt8])?>(nil)

    init(store: SnapshotStore, agent: AgentInfo, auth: BearerAuth) {
        self.store = store
        self.agent = agent
        self.auth = auth
    }

    func respond(to request: Request) -> Response {
        if let denied = auth.deny(request) { return denied }
        switch Router.route(request) {
        case .failure(let error):
            return error.response
        case .success(let route):
            let snapshot = store.latest
            return Responder.respond(
                to: route, snapshot: snapshot, agent: agent, now: HostClock.wall(),
                metricsBody: { metricsBody(for: snapshot) })
        }
    }

    private func metricsBody(for snapshot: Snapshot?) -> [UInt8] {
        guard let snapshot else { return MetricsPage.render(nil, agent: agent) }
        if let cached = metricsCache.withLock({ $0 }), cached.sequence == snapshot.sequence { return cached.body }
        let body = MetricsPage.render(snapshot, agent: agent)
        metricsCache.withLock { $0 = (snapshot.sequence, body) }
        return body
    }
}
