/// Turns a route into a response for a given snapshot. Pure: the caller supplies the snapshot, the
/// agent's facts and the time, and may supply an already-rendered `/metrics` body.
public enum Responder {
    /// `metricsBody` renders (or recalls) the `/metrics` body for a format and filter.
    /// `history` copies the ring, only for the routes that read it.
    public static func respond(
        to route: Route, snapshot: Snapshot?, agent: AgentInfo, now: Double, push: PushReport? = nil,
        remoteWrite: RemoteWriteReport? = nil,
        history: () -> HistoryRing = { HistoryRing(capacity: 1) },
        metricsBody: (MetricsFormat, Set<String>?) -> [UInt8]
    ) -> Response {
        switch route {
        case .metrics(let format, let collectors):
            // Vary: caches between us and the client must key on what we negotiated.
            return Response(
                status: 200, contentType: format.contentType, headers: [("Vary", "Accept, Accept-Encoding")],
                body: metricsBody(format, collectors))
        case .snapshot(let pretty):
            guard let snapshot else { return notYet() }
            return json(SnapshotJSON.render(snapshot, pretty: pretty))
        case .processes(let sort, let limit, let pretty):
            guard let snapshot, let table = snapshot.processes else { return notYet() }
            let body = ProcessesJSON.render(
                table, timestamp: snapshot.timestamp, sort: sort, limit: limit ?? agent.defaultProcessLimit,
                pretty: pretty)
            return json(body)
        case .health(let pretty):
            return json(HealthJSON.render(snapshot, agent: agent, now: now, pretty: pretty, push: push, remoteWrite: remoteWrite))
        case .history(let since, let fields, let pretty):
            // A name the ring does not hold (yet: a CPU not seen, a typo) is simply absent from the answer.
            let ring = history()
            let from = since.map { $0 < 0 ? now + $0 : $0 }
            return json(
                HistoryJSON.render(ring, since: from, fields: fields, interval: agent.collectionInterval, pretty: pretty))
        case .index(let format):
            let page = IndexPage.render(format, version: agent.version)
            return Response(status: 200, contentType: page.contentType, body: page.body)
        case .live(let sort):
            let body = LivePage.render(snapshot, agent: agent, push: push, remoteWrite: remoteWrite, now: now, sort: sort)
            return Response(
                status: 200, contentType: "text/html; charset=utf-8",
                headers: LiveAssets.securityHeaders + [("Cache-Control", "no-store")], body: body)
        case .asset(let asset):
            return Response(
                status: 200, contentType: asset.contentType,
                headers: LiveAssets.securityHeaders + [("Cache-Control", "no-cache")], body: asset.body)
        case .session, .stream:
            // Both hold state the pure responder has none of (sessions, open streams): the endpoint answers.
            preconditionFailure("\(route) is answered by the endpoint")
        }
    }

    static func json(_ body: [UInt8]) -> Response {
        Response(status: 200, contentType: "application/json", body: body)
    }

    // Only in the first interval after start, or when the process collector keeps failing.
    static func notYet() -> Response {
        Response.error(503, "no snapshot collected yet; retry after one collection interval", headers: [("Retry-After", "1")])
    }
}
