#if canImport(Glibc)
    import Glibc
#endif
import API
import CHTTPServer
import HostMetrics
import Synchronization

/// Answers endpoint requests from the latest snapshot. Each `/metrics` variant (format × gzip) is rendered
/// once per snapshot and cached, so a thousand scrapes of one snapshot cost one rendering, and handed to the
/// C server as one shared body, so a thousand responses waiting to be sent cost one copy.
final class Endpoint: Sendable {
    /// What a cached page depends on besides the snapshot; the push report is small and compared whole,
    /// so a page is never stale about the spool.
    private struct Variant: Hashable {
        var format: MetricsFormat
        var gzip: Bool
        var push: PushReport?
        var remoteWrite: RemoteWriteReport?
    }

    private let store: SnapshotStore
    private let onDemand: OnDemandSections
    let agent: AgentInfo
    private let auth: BearerAuth
    private let pushReport: @Sendable () -> PushReport?
    private let remoteWriteReport: @Sendable () -> RemoteWriteReport?
    private let collectorNames: Set<String>
    private let sessions: BrowserSessions
    let streams = EventStreams()
    /// A rendered page and the same bytes as the server sends them.
    private struct CachedPage {
        var bytes: [UInt8]
        var shared: SharedBody
    }

    private let metricsCache = Mutex<(sequence: UInt64, pages: [Variant: CachedPage])>((0, [:]))

    init(
        store: SnapshotStore, onDemand: OnDemandSections, agent: AgentInfo, auth: BearerAuth,
        pushReport: @escaping @Sendable () -> PushReport? = { nil },
        remoteWriteReport: @escaping @Sendable () -> RemoteWriteReport? = { nil }, overTLS: Bool = false
    ) {
        self.sessions = BrowserSessions(secure: overTLS, clock: { HostClock.wall() })
        self.store = store
        self.onDemand = onDemand
        self.agent = agent
        self.auth = auth
        self.pushReport = pushReport
        self.remoteWriteReport = remoteWriteReport
        self.collectorNames = Set(agent.collectorNames)
    }

    /// What the endpoint answers: a whole response (with the shared body holding its bytes when they are
    /// a cached page), or an endless one (`/api/v1/stream`) that the server opens and `streams` then feeds.
    enum Answer {
        case response(Response, shared: SharedBody?)
        case stream(fields: [String]?)
    }

    func answer(_ request: Request) -> Answer {
        if case .success(.stream(let fields)) = Router.route(request, collectors: collectorNames),
            sessions.admits(request) || auth.deny(request) == nil
        {
            return .stream(fields: fields)
        }
        let (response, shared) = serve(request)
        return .response(response, shared: shared)
    }

    /// The event a new stream starts with: the latest snapshot's, or nothing before the first pass.
    func latestEvent(fields: [String]?) -> [UInt8] {
        store.latest.map { EventStreamFormat.event(fields == nil ? onDemand.complete($0) : $0, fields: fields) } ?? []
    }

    /// One event of this pass to every open stream; whole-snapshot streams show the on-demand sections.
    func broadcast(_ snapshot: Snapshot, send: ([UInt64], [UInt8]) -> [UInt64]) {
        streams.broadcast(snapshot, whole: { onDemand.complete($0) }, send: send)
    }

    /// The latest snapshot as `route` shows it: with the on-demand sections where it shows their
    /// families, with how they last fared where it shows every collector's health. `/metrics` adds them
    /// where it renders (`render`), so a scrape answered from the cached page takes neither the lock nor a copy.
    private func latest(for route: Route) -> Snapshot? {
        guard let latest = store.latest else { return nil }
        switch route {
        case .snapshot: return onDemand.complete(latest)
        case .health, .live: return onDemand.lastRead(latest)
        default: return latest
        }
    }

    func respond(to request: Request) -> Response { serve(request).response }

    /// The response, and the shared body that holds its bytes when they are a cached page.
    func serve(_ request: Request) -> (response: Response, shared: SharedBody?) {
        let routed = Router.route(request, collectors: collectorNames)
        if case .success(.asset) = routed {
            // The script and style sheet hold nothing of the host; the sign-in page needs them.
        } else if !sessions.admits(request), let denied = auth.deny(request) {
            if case .success(.live) = routed {
                let page = Response(
                    status: 401, contentType: "text/html; charset=utf-8",
                    headers: LiveAssets.securityHeaders + [("Cache-Control", "no-store")],
                    body: LivePage.renderSignIn(version: agent.version))
                return (page, nil)
            }
            return (denied, nil)
        }
        switch routed {
        case .failure(let error):
            return (error.response, nil)
        case .success(.session):
            guard auth.isEnabled else { return (Response(status: 204, contentType: "application/json", body: []), nil) }
            let session = sessions.open()
            let response = Response(
                status: 204, contentType: "application/json",
                headers: [("Set-Cookie", session.setCookie), ("Cache-Control", "no-store")], body: [])
            return (response, nil)
        case .success(.stream):
            // Reached only through respond(to:) directly, which cannot hold a stream open.
            let refusal = Response.error(406, "/api/v1/stream is an event stream; open it with an EventSource or curl -N")
            return (refusal, nil)
        case .success(let route):
            let snapshot = latest(for: route)
            let push = pushReport()
            let remoteWrite = remoteWriteReport()
            var gzip = false
            switch route {
            case .metrics, .live, .asset:
                gzip = AcceptHeader.preferred(["gzip"], in: request.header("accept-encoding")) == "gzip"
            default: break
            }
            var shared: SharedBody?
            var response = Responder.respond(
                to: route, snapshot: snapshot, agent: agent, now: HostClock.wall(), push: push, remoteWrite: remoteWrite,
                history: { store.history },
                metricsBody: { format, collectors in
                    let variant = Variant(format: format, gzip: gzip, push: push, remoteWrite: remoteWrite)
                    guard let page = cachedPage(snapshot, variant, collectors: collectors) else {
                        return render(snapshot, variant, collectors: collectors)
                    }
                    shared = page.shared
                    return page.bytes
                })
            if gzip {
                // /metrics came compressed (and cached so); the page and its assets are compressed here.
                if case .metrics = route {} else {
                    response.body = Self.gzip(response.body)
                    response.headers.append(("Vary", "Accept-Encoding"))
                }
                response.headers.append(("Content-Encoding", "gzip"))
            }
            return (response, shared)
        }
    }

    private func render(_ snapshot: Snapshot?, _ variant: Variant, collectors: Set<String>?) -> [UInt8] {
        let shown = snapshot.map { onDemand.shows(collectors) ? onDemand.complete($0) : $0 }
        let text = MetricsPage.render(shown, agent: agent, format: variant.format, collectors: collectors, push: variant.push,
            remoteWrite: variant.remoteWrite)
        return variant.gzip ? Self.gzip(text) : text
    }

    /// The full page of this snapshot, rendered on first use; nil for filtered scrapes, which are rare and
    /// vary endlessly, so only the full page is cached.
    private func cachedPage(_ snapshot: Snapshot?, _ variant: Variant, collectors: Set<String>?) -> CachedPage? {
        guard let snapshot, collectors == nil else { return nil }
        let cached = metricsCache.withLock { cache in
            cache.sequence == snapshot.sequence ? cache.pages[variant] : nil
        }
        if let cached { return cached }
        let bytes = render(snapshot, variant, collectors: nil)
        let page = CachedPage(bytes: bytes, shared: SharedBody(bytes))
        metricsCache.withLock { cache in
            if cache.sequence != snapshot.sequence { cache = (snapshot.sequence, [:]) }
            cache.pages[variant] = page
        }
        return page
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
