import Foundation
import Testing

/// The live view's server side with real clients: the event stream over HTTP/1.1 and HTTP/2, slow readers,
/// the history's columns, the page without JavaScript, and signing a browser in.
@Suite struct LiveViewTests {
    func streams(_ agent: RunningAgent, _ arguments: [String]) throws -> [String: Any] {
        let result = try run("python3", [Paths.repository + "/Tests/LiveView/streams.py", agent.baseURL] + arguments)
        guard result.status == 0, let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else { throw TestFailure("streams.py \(arguments): \(result.stdout)\(result.stderr)") }
        return json
    }

    @Test func streamSendsOneEventPerCollectionOverHTTP1() throws {
        let agent = try RunningAgent(environment: ["COLLECTION_INTERVAL": "0.3"])
        defer { _ = agent.stop() }
        let result = try streams(agent, ["events", "5"])
        let ids = try #require(result["ids"] as? [Int])
        #expect(result["events"] as? [String] == Array(repeating: "figures", count: 5))
        #expect(ids.count == 5 && zip(ids, ids.dropFirst()).allSatisfy { $1 == $0 + 1 }, "one event per pass: \(ids)")
        let data = try #require(result["data"] as? [[String: Any]])
        for event in data {
            let fields = try #require(event["fields"] as? [String: Any])
            #expect(Set(fields.keys) == ["cpu_percent", "memory_percent"])
            #expect(event["time"] is Double)
        }
    }

    @Test func streamSendsSnapshotsOverHTTP2() throws {
        let agent = try RunningAgent(environment: ["COLLECTION_INTERVAL": "0.3"])
        defer { _ = agent.stop() }
        let result = try streams(agent, ["h2events", "4"])
        let ids = try #require(result["ids"] as? [Int])
        #expect(result["events"] as? [String] == Array(repeating: "snapshot", count: 4))
        #expect(ids.count == 4 && zip(ids, ids.dropFirst()).allSatisfy { $1 == $0 + 1 }, "\(ids)")
        let first = try #require((result["data"] as? [[String: Any]])?.first)
        #expect(first["cpu"] is [String: Any] && first["memory"] is [String: Any] && first["hostname"] is String)
    }

    /// 100 readers that never read cost the agent at most 1 MiB, and everyone else is still answered.
    @Test func stalledReadersAreBoundedAndOthersKeepBeingServed() throws {
        let agent = try RunningAgent(environment: ["COLLECTION_INTERVAL": "0.2"])
        defer { _ = agent.stop() }
        let result = try streams(agent, ["stalled", "\(agent.process.processIdentifier)", "100"])
        let before = try #require(result["rss_before_kib"] as? Int), peak = try #require(result["rss_peak_kib"] as? Int)
        #expect(peak - before <= 1024, "RSS grew by \(peak - before) KiB")
        #expect(result["events_seen"] as? Int == 12)
        #expect(result["metrics_answered"] as? Int == 12 && result["metrics_failed"] as? Int == 0, "\(result)")
    }

    /// HTTP/1.0 has no chunked coding (RFC 9112 §6.1): such a reader gets the events as they are.
    @Test func anHTTP10ReaderGetsUnframedEvents() throws {
        let agent = try RunningAgent(environment: ["COLLECTION_INTERVAL": "0.3"])
        defer { _ = agent.stop() }
        let result = try streams(agent, ["http10"])
        let head = try #require(result["head"] as? String), body = try #require(result["body"] as? String)
        #expect(head.hasPrefix("HTTP/1.1 200") && !head.lowercased().contains("chunked") && head.contains("Connection: close"))
        #expect(body.hasPrefix("event: figures\nid: "), "\(body)")
    }

    @Test func openStreamsAreBounded() throws {
        let agent = try RunningAgent(environment: ["COLLECTION_INTERVAL": "3600"])
        defer { _ = agent.stop() }
        let result = try streams(agent, ["cap", "128"])
        #expect((result["status_line"] as? String)?.hasPrefix("HTTP/1.1 503") == true, "\(result)")
    }

    @Test func historyIsColumnsWithSinceAndFieldsAndForgetsTheOldest() throws {
        // Two seconds of history at 0.25 s: eight entries.
        let agent = try RunningAgent(environment: ["COLLECTION_INTERVAL": "0.25", "HISTORY_DURATION": "2"])
        defer { _ = agent.stop() }
        func history(_ query: String = "") throws -> (times: [Double], fields: [String: [Any]]) {
            let json = try #require(try agent.get("/api/v1/history" + query).json)
            return (try #require(json["time"] as? [Double]), try #require(json["fields"] as? [String: [Any]]))
        }
        let limit = Date().addingTimeInterval(20)
        var full = try history()
        // Polling the agent's own API for a condition, bounded by `limit`.
        while full.times.count < 8 && Date() < limit {
            usleep(20_000)
            full = try history()
        }
        #expect(full.times.count == 8, "the ring holds HISTORY_DURATION / COLLECTION_INTERVAL entries")
        #expect(full.times == full.times.sorted())
        #expect(full.fields["cpu_percent"]?.count == 8 && full.fields["memory_used_bytes"]?.count == 8)
        let since = try history("?since=\(full.times[5])&fields=cpu_percent,load1")
        #expect(since.times.allSatisfy { $0 >= full.times[5] } && since.times.first == full.times[5])
        #expect(Set(since.fields.keys) == ["cpu_percent", "load1"])
        var later = try history()
        while later.times.first.map({ $0 <= full.times[0] }) ?? true, Date() < limit {
            usleep(20_000)
            later = try history()
        }
        #expect(later.times.first! > full.times[0] && later.times.count == 8, "the oldest entries are gone")
        let unknown = try history("?fields=nonsense,cpu_percent")
        #expect(Set(unknown.fields.keys) == ["cpu_percent"], "a name the ring does not hold is absent")
        #expect(try agent.get("/api/v1/history?since=-1").json?["time"] as? [Double] != nil)
    }

    @Test func thePageReadsWithoutJavaScript() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let page = try agent.get("/?sort=memory", ["-H", "Accept: text/html"])
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        let policy = try #require(page.headers["content-security-policy"])
        #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe"))
        #expect(page.body.contains("<h1>fixture-host</h1>"))
        #expect(page.body.contains("a) (b"), "the fixture's odd process name, escaped or not, is listed")
        #expect(!page.body.contains("hunter2"), "command lines are the masked ones")
        #expect(page.body.contains("<th class=\"sorted\"><a href=\"/?sort=memory\""))
        for path in ["/assets/live.js", "/assets/live.css"] {
            #expect(page.body.contains(path))
            #expect(try agent.get(path).status == 200)
        }
        #expect(!page.body.contains("http://") && !page.body.contains("https://"), "nothing from elsewhere")
        #expect(try agent.get("/").body.hasPrefix("ShelterAgent"), "curl still gets the route list as text")
    }

    /// A browser cannot send a bearer header by itself: it trades the token for an HttpOnly session cookie.
    @Test func aBrowserSignsInWithTheTokenAndGetsACookie() throws {
        let agent = try RunningAgent(environment: ["HTTP_AUTH_TOKEN": "s3cret-token", "COLLECTION_INTERVAL": "3600"])
        defer { _ = agent.stop() }
        let signIn = try agent.get("/", ["-H", "Accept: text/html"])
        #expect(signIn.status == 401 && signIn.body.contains("id=\"login\""))
        #expect(!signIn.body.contains(ProcessInfo.processInfo.hostName), "nothing of the host before signing in")
        #expect(try agent.get("/assets/live.js").status == 200)
        #expect(try agent.get("/api/v1/session").status == 401)
        #expect(try agent.get("/api/v1/session", ["-H", "Authorization: Bearer wrong"]).status == 401)
        let session = try agent.get("/api/v1/session", ["-H", "Authorization: Bearer s3cret-token"])
        #expect(session.status == 204)
        let cookie = try #require(session.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("s3cret-token"))
        let pair = String(cookie.prefix { $0 != ";" })
        #expect(try agent.get("/", ["-H", "Accept: text/html", "-H", "Cookie: \(pair)"]).status == 200)
        #expect(try agent.get("/api/v1/history", ["-H", "Cookie: \(pair)"]).status == 200)
        #expect(try agent.get("/", ["-H", "Accept: text/html", "-H", "Cookie: shelter_session=forged"]).status == 401)
        #expect(try agent.get("/metrics", ["-H", "Authorization: Bearer s3cret-token"]).status == 200, "scrapers as before")
        #expect(try agent.get("/metrics").status == 401)
    }
}
