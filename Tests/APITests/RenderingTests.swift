import Testing

@testable import API

@Suite struct RenderingTests {
    @Test func jsonWriterEscapesAndWritesNulls() {
        var json = JSONWriter()
        json.object { json in
            json.field("text", "a \"quoted\" \\ line\n\u{01}")
            json.field("rate", nil as Double?)
            json.field("count", 3)
            json.key("list")
            json.array { json in
                json.number(1.5)
                json.number(.nan)
            }
            json.key("empty")
            json.object { _ in }
        }
        #expect(
            String(decoding: json.bytes, as: UTF8.self)
                == #"{"text":"a \"quoted\" \\ line\n\u0001","rate":null,"count":3,"list":[1.5,null],"empty":{}}"#)
    }

    @Test func prettyJSONIndentsByTwo() {
        var json = JSONWriter(pretty: true)
        json.object { json in
            json.field("a", 1)
            json.key("b")
            json.array { json in json.number(2) }
        }
        #expect(String(decoding: json.bytes, as: UTF8.self) == "{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}")
    }

    @Test func timestampsAreRFC3339UTC() {
        #expect(Timestamp.rfc3339(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.rfc3339(1_768_663_845) == "2026-01-17T15:30:45Z")
        #expect(Timestamp.rfc3339(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.rfc3339(1_768_663_845.25, fractional: true) == "2026-01-17T15:30:45.250Z")
    }

    @Test func metricSetRendersSortedFamiliesWithEscapedLabels() {
        var set = MetricSet()
        let b = MetricDescriptor("b_total", .counter, "B things.", labels: ["name"])
        let a = MetricDescriptor("a_bytes", .gauge, "A size.")
        set.add(b, ["x\"y\\z\n"], 2)
        set.add(a, [], 1_073_741_824)
        set.add(a, [], nil as Double?)
        set.add(b, ["plain"], 0.25)
        let expected = """
            # HELP a_bytes A size.
            # TYPE a_bytes gauge
            a_bytes 1073741824
            # HELP b_total B things.
            # TYPE b_total counter
            b_total{name="x\\"y\\\\z\\n"} 2
            b_total{name="plain"} 0.25

            """
        #expect(String(decoding: set.renderText(), as: UTF8.self) == expected)
    }

    @Test func openMetricsNamesCounterFamiliesWithoutTotalAndEndsWithEOF() {
        var set = MetricSet()
        set.add(MetricDescriptor("x_seconds_total", .counter, "X."), [], 1.5)
        set.add(MetricDescriptor("y", .gauge, "Y."), [], 2)
        let expected = """
            # HELP x_seconds X.
            # TYPE x_seconds counter
            x_seconds_total 1.5
            # HELP y Y.
            # TYPE y gauge
            y 2
            # EOF

            """
        #expect(String(decoding: set.renderOpenMetrics(), as: UTF8.self) == expected)
    }

    /// node_exporter leaves vmstat's and netstat's fields untyped; OpenMetrics spells that `unknown`.
    @Test func untypedFamiliesAreUntypedInTextAndUnknownInOpenMetrics() {
        var set = MetricSet()
        set.add(MetricDescriptor("node_vmstat_pgfault", .untyped, "Page faults."), [], 7)
        #expect(String(decoding: set.renderText(), as: UTF8.self)
            == "# HELP node_vmstat_pgfault Page faults.\n# TYPE node_vmstat_pgfault untyped\nnode_vmstat_pgfault 7\n")
        #expect(String(decoding: set.renderOpenMetrics(), as: UTF8.self)
            == "# HELP node_vmstat_pgfault Page faults.\n# TYPE node_vmstat_pgfault unknown\nnode_vmstat_pgfault 7\n# EOF\n")
    }

    @Test func meminfoFieldsGetNodeExporterNames() {
        #expect(MemoryMetrics.descriptor(for: MemInfoField(name: "Active(file)", value: 1, isBytes: true)).name
            == "node_memory_Active_file_bytes")
        #expect(MemoryMetrics.descriptor(for: MemInfoField(name: "HugePages_Total", value: 1, isBytes: false)).name
            == "node_memory_HugePages_Total")
    }
}

@Suite struct RoutingTests {
    func route(_ method: String, _ target: String, accept: String? = nil) -> Result<Route, RouteError> {
        Router.route(
            Request(method: method, target: target, headers: accept.map { [("Accept", $0)] } ?? []),
            collectors: ["cpu", "memory", "filesystem", "diskstats", "netdev", "processes", "pressure", "cgroup"])
    }

    @Test func knownRoutes() throws {
        #expect(try route("GET", "/metrics").get() == .metrics(format: .prometheusText, collectors: nil))
        let prometheusAccept =
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
        #expect(try route("GET", "/metrics", accept: prometheusAccept).get() == .metrics(format: .openMetrics, collectors: nil))
        #expect(try route("GET", "/metrics?collect[]=cpu&collect%5B%5D=memory").get()
            == .metrics(format: .prometheusText, collectors: ["cpu", "memory"]))
        #expect(try route("GET", "/metrics?exclude[]=processes").get()
            == .metrics(format: .prometheusText, collectors: ["cpu", "memory", "filesystem", "diskstats", "netdev", "pressure", "cgroup"]))
        guard case .failure(let unknown) = route("GET", "/metrics?collect[]=gpu") else { Issue.record("routed"); return }
        #expect(unknown.response.status == 400)
        #expect(try route("HEAD", "/api/v1/metrics?pretty").get() == .snapshot(pretty: true))
        #expect(try route("GET", "/api/v1/processes?limit=5&sort=io").get() == .processes(sort: .io, limit: 5, pretty: false))
        #expect(try route("GET", "/api/v1/processes").get() == .processes(sort: .cpu, limit: nil, pretty: false))
        #expect(try route("GET", "/api/v1/health").get() == .health(pretty: false))
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() {
        guard case .failure(let missing) = route("GET", "/api/v2/metrics") else { Issue.record("routed"); return }
        #expect(missing.response.status == 404)
        guard case .failure(let wrong) = route("DELETE", "/metrics") else { Issue.record("routed"); return }
        #expect(wrong.response.status == 405)
        #expect(wrong.response.headers.contains { $0.name == "Allow" && $0.value == "GET, HEAD" })
    }

    @Test func badProcessQueriesAre400() {
        for target in ["/api/v1/processes?limit=0", "/api/v1/processes?limit=x", "/api/v1/processes?sort=name",
                       "/api/v1/processes?limit=1001"] {
            guard case .failure(let error) = route("GET", target) else { Issue.record("\(target) routed"); continue }
            #expect(error.response.status == 400)
        }
    }

    @Test func indexNegotiatesItsFormat() throws {
        #expect(try route("GET", "/", accept: "text/html,application/xhtml+xml,*/*;q=0.8").get() == .live(sort: .cpu))
        #expect(try route("GET", "/?sort=memory", accept: "text/html").get() == .live(sort: .memory))
        guard case .failure(let bogus) = route("GET", "/?sort=bogus", accept: "text/html") else { Issue.record("routed"); return }
        #expect(bogus.response.status == 400)
        #expect(try route("GET", "/", accept: "application/json").get() == .index(.json))
        #expect(try route("GET", "/", accept: "text/html;q=0.5, application/json").get() == .index(.json))
        #expect(try route("GET", "/", accept: "*/*").get() == .index(.text))
        #expect(try route("GET", "/").get() == .index(.text))
    }

    @Test func liveViewRoutes() throws {
        #expect(try route("GET", "/api/v1/history").get() == .history(since: nil, fields: nil, pretty: false))
        #expect(try route("GET", "/api/v1/history?since=-300&fields=cpu_percent,load1").get()
            == .history(since: -300, fields: ["cpu_percent", "load1"], pretty: false))
        guard case .failure(let bad) = route("GET", "/api/v1/history?since=soon") else { Issue.record("routed"); return }
        #expect(bad.response.status == 400)
        #expect(try route("GET", "/api/v1/stream").get() == .stream(fields: nil))
        #expect(try route("GET", "/api/v1/stream?fields=*").get() == .stream(fields: ["*"]))
        #expect(try route("GET", "/assets/live.js").get() == .asset(.script))
        #expect(try route("GET", "/assets/live.css").get() == .asset(.style))
        #expect(try route("GET", "/api/v1/session").get() == .session)
        guard case .failure(let missing) = route("GET", "/assets/other.js") else { Issue.record("routed"); return }
        #expect(missing.response.status == 404)
    }

    @Test func queryStringsDecode() {
        let pairs = QueryString.parse("a=1%202&b=x+y&flag")
        #expect(pairs.map(\.name) == ["a", "b", "flag"])
        #expect(pairs.map(\.value) == ["1 2", "x y", ""])
    }

    @Test func healthIsDegradedWhenACollectorFailsOrTheSnapshotIsStale() {
        let agent = AgentInfo(version: "t", startTime: 0, collectionInterval: 5, defaultProcessLimit: 50)
        var snapshot = Snapshot(sequence: 1, timestamp: 100, hostname: "h")
        snapshot.collectors = [CollectorStatus(name: "cpu", success: true, durationSeconds: 0)]
        #expect(HealthJSON.status(snapshot, agent: agent, now: 101) == "ok")
        #expect(HealthJSON.status(snapshot, agent: agent, now: 116) == "degraded")
        snapshot.collectors.append(CollectorStatus(name: "netdev", success: false, durationSeconds: 0, error: "x"))
        #expect(HealthJSON.status(snapshot, agent: agent, now: 101) == "degraded")
    }
}

@Suite struct BearerAuthTests {
    let auth = BearerAuth(token: "s3cret-token", exemptHealth: true)

    func request(_ target: String, _ authorization: String?) -> Request {
        Request(method: "GET", target: target, headers: authorization.map { [("Authorization", $0)] } ?? [])
    }

    @Test func noTokenConfiguredLetsEveryoneIn() {
        #expect(BearerAuth(token: "", exemptHealth: false).deny(request("/metrics", nil)) == nil)
    }

    @Test func missingOrWrongTokenIs401WithAChallenge() throws {
        let missing = try #require(auth.deny(request("/metrics", nil)))
        #expect(missing.status == 401)
        #expect(missing.headers.contains { $0.name == "WWW-Authenticate" && $0.value == "Bearer realm=\"shelter-agent\"" })
        let wrong = try #require(auth.deny(request("/metrics", "Bearer s3cret-tokex")))
        #expect(wrong.headers.contains { $0.value.contains("error=\"invalid_token\"") })
        #expect(auth.deny(request("/metrics", "Basic s3cret-token")) != nil)
        #expect(auth.deny(request("/metrics", "Bearer s3cret-token-and-more")) != nil)
    }

    @Test func rightTokenAndExemptHealthPass() {
        #expect(auth.deny(request("/metrics", "Bearer s3cret-token")) == nil)
        #expect(auth.deny(request("/metrics", "bearer  s3cret-token ")) == nil)
        #expect(auth.deny(request("/api/v1/health?pretty", nil)) == nil)
        #expect(BearerAuth(token: "t", exemptHealth: false).deny(request("/api/v1/health", nil)) != nil)
    }

    @Test func comparisonIsExact() {
        #expect(BearerAuth.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!BearerAuth.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!BearerAuth.constantTimeEqual(Array("abc".utf8), Array("ab".utf8)))
        #expect(!BearerAuth.constantTimeEqual([], Array("a".utf8)))
    }
}
