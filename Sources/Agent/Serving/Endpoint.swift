#if canImport(Glibc)
    import Glibc
#endif
import API
import CHTTPServer
import HostMetrics
import Synchronization

/// Answers endpoint requests from the latest snapshot. Each `/metrics` variant (format × gzip) is rendered
/// once per snapshot and cached, so a thousand scrapes of one snapshot cost one rendering.
final class Endpoint: Sendable {
    /// What a cached page depends on besides the snapshot; the push report is small and compared whole,
    /// so a page is never stale about the spool.
    private struct Variant: Hashable {
        var format: MetricsFormat
        var gzip: Bool
        var push: PushReport?
    }

    private let store: SnapshotStore
    let agent: AgentInfo
    private let auth: BearerAuth
    private let pushReport: @Sendable () -> PushReport?
    private let collectorNames: Set<String>
    private let sessions = BrowserSessions(clock: { HostClock.wall() })
    let streams = EventStreams()
    private let metricsCache = Mutex<(sequence: UInt64, bodies: [Variant: [UInt8]])>((0, [:]))

    init(store: SnapshotStore, agent: AgentInfo, auth: BearerAuth, pushReport: @escaping @Sendable () -> PushReport? = { nil }) {
        self.store = store
        self.agent = agent
        self.auth = auth
        self.pushReport = pushReport
        self.collectorNames = Set(agent.collectorNames)
    }

    /// What the endpoint answers: a whole response, or an endless one (`/api/v1/stream`) that the server
    /// opens and `streams` then feeds.
    enum Answer {
        case response(Response)
        case stream(fields: [String]?)
    }

    func answer(_ request: Request) -> Answer {
        if case .success(.stream(let fields)) = Router.route(request, collectors: collectorNames),
            sessions.admits(request) || auth.deny(request) == nil
        {
            return .stream(fields: fields)
        }
        return .response(respond(to: request))
    }

    /// The event a new stream starts with: the latest snapshot's, or nothing before the first pass.
    func latestEvent(fields: [String]?) -> [UInt8] {
        store.latest.map { EventStreamFormat.event($0, fields: fields) } ?? []
    }

    func respond(to request: Request) -> Response {
        let routed = Router.route(request, collectors: collectorNames)
        if case .success(.asset) = routed {
            // The script and style sheet hold nothing of the host; the sign-in page needs them.
        } else if !sessions.admits(request), let denied = auth.deny(request) {
            if case .success(.live) = routed {
                return Response(
                    status: 401, contentType: "text/html; charset=utf-8",
                    headers: LiveAssets.securityHeaders + [("Cache-Control", "no-store")],
                    body: LivePage.renderSignIn(version: agent.version))
            }
            return denied
        }
        switch routed {
        case .failure(let error):
            return error.response
        case .success(.session):
            guard auth.isEnabled else { return Response(status: 204, contentType: "application/json", body: []) }
            let session = sessions.open()
            return Response(
                status: 204, contentType: "application/json",
                headers: [("Set-Cookie", session.setCookie), ("Cache-Control", "no-store")], body: [])
        case .success(.stream):
            // Reached only through respond(to:) directly, which cannot hold a stream open.
            return Response.error(406, "/api/v1/stream is an event stream; open it with an EventSource or curl -N")
        case .success(let route):
            let snapshot = store.latest
            let push = pushReport()
            var gzip = false
            switch route {
            case .metrics, .live, .asset:
                gzip = AcceptHeader.preferred(["gzip"], in: request.header("accept-encoding")) == "gzip"
            default: break
            }
            var response = Responder.respond(
                to: route, snapshot: snapshot, agent: agent, now: HostClock.wall(), push: push,
                history: { store.history },
                metricsBody: { format, collectors in
                    metricsBody(snapshot, Variant(format: format, gzip: gzip, push: push), collectors: collectors)
                })
            if gzip {
                // /metrics came compressed (and cached so); the page and its assets are compressed here.
                if case .metrics = route {} else {
                    response.body = Self.gzip(response.body)
                    response.headers.append(("Vary", "Accept-Encoding"))
                }
                response.headers.append(("Content-Encoding", "gzip"))
            }
            return response
        }
    }

    private func metricsBody(_ snapshot: Snapshot?, _ variant: Variant, collectors: Set<String>?) -> [UInt8] {
        func render() -> [UInt8] {
            let text = MetricsPage.render(snapshot, agent: agent, format: variant.format, collectors: collectors, push: variant.push)
            return variant.gzip ? Self.gzip(text) : text
        }
        // Filtered scrapes are rare and vary endlessly: only the full page is cached.
        guard let snapshot, collectors == nil else { return render() }
        let cached = metricsCache.withLock { cache in
            cache.sequence == snapshot.sequence ? cache.bodies[variant] : nil
        }
        if let cached { return cached }
        let body = render()
        metricsCache.withLock { cache in
            if cache.sequence != snapshot.sequence { cache = (snapshot.sequence, [:]) }
            cache.bodies[variant] = body
        }
        return body
    }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var count = 0
        let status = bytes.withUnsafeBufferPointer { chs_gzip($0.baseAddress, $0.count, &output, &count) }
        guard status == 0, let output else { fatalError("out of memory compressing a response") }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: count))
    }
}
