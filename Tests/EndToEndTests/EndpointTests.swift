import Foundation
import Testing

/// `read_all(s)` for the tests' Python clients: everything a socket receives until the server closes it.
private let pythonReadAll = """
    def read_all(s):
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk: return b"".join(chunks)
            chunks.append(chunk)
    """

/// The built binary on the captured fixture host, read over HTTP with curl.
@Suite(.serialized) struct EndpointTests {
    /// DISABLED_COLLECTORS leaves those collectors out of the pass, health, /metrics and collect[].
    @Test func disabledCollectorsDoNotRun() throws {
        let agent = try RunningAgent(environment: ["DISABLED_COLLECTORS": "netstat,timex", "COLLECTION_INTERVAL": "3600"])
        defer { _ = agent.stop() }
        let names = try #require((try agent.get("/api/v1/health").json?["collectors"] as? [[String: Any]])?.compactMap { $0["name"] as? String })
        #expect(names == (try documentedCollectorNames()).filter { $0 != "netstat" && $0 != "timex" })
        let metrics = try agent.get("/metrics").body
        #expect(!metrics.contains("node_netstat_") && !metrics.contains("node_timex_") && metrics.contains("node_vmstat_"))
        #expect(try agent.get("/metrics?collect[]=netstat").status == 400)
    }

    /// The sampler's and the server's threads carry names, so `top -H` and per-thread CPU tell them apart.
    @Test func theSamplerAndServerThreadsAreNamed() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let tasks = "/proc/\(agent.process.processIdentifier)/task"
        func names() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []).compactMap { tid in
                try? String(contentsOfFile: "\(tasks)/\(tid)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        // The serving line can come before either thread has named itself.
        let deadline = Date().addingTimeInterval(5)
        while !(names().contains("sampler") && names().contains("http")) && Date() < deadline { usleep(10_000) }
        #expect(names().contains("sampler") && names().contains("http"), "\(names())")
    }

    @Test func everyRouteAnswers() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }

        let metrics = try agent.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.body.contains("node_memory_MemTotal_bytes "))

        let snapshot = try #require(try agent.get("/api/v1/metrics").json)
        #expect(snapshot["hostname"] as? String == "fixture-host")
        let cpu = try #require(snapshot["cpu"] as? [String: Any])
        #expect(cpu["usage_percent"] is NSNull, "one pass: no rate yet")
        #expect((cpu["load_average"] as? [Double])?.count == 3)
        let network = try #require(snapshot["network"] as? [String: Any])
        #expect(network["mbps"] is NSNull)

        let processes = try #require(try agent.get("/api/v1/processes?limit=2&sort=memory").json)
        #expect((processes["processes"] as? [[String: Any]])?.count == 2)
        #expect(processes["sort"] as? String == "memory")

        let health = try #require(try agent.get("/api/v1/health").json)
        #expect(health["status"] as? String == "ok")
        let collectors = try #require(health["collectors"] as? [[String: Any]])
        #expect(collectors.compactMap { $0["name"] as? String } == (try documentedCollectorNames()))
        #expect(collectors.allSatisfy { $0["success"] as? Bool == true }, "\(collectors.filter { $0["success"] as? Bool != true })")
        #expect((health["host_view"] as? [String: Any])?["is_host"] as? Bool == true, "\(health)")

        #expect(try agent.get("/", ["-H", "Accept: text/html"]).body.contains("<a href=\"/metrics\">/metrics</a>"))
        #expect(try agent.get("/", ["-H", "Accept: application/json"]).json?["routes"] != nil)
        #expect(try agent.get("/").body.hasPrefix("ShelterAgent "))
    }

    @Test func errorsAreJSONWithTheRightStatus() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let missing = try agent.get("/nope")
        #expect(missing.status == 404 && missing.json?["status"] as? Int == 404)
        let post = try agent.get("/metrics", ["-X", "POST"])
        #expect(post.status == 405 && post.headers["allow"] == "GET, HEAD")
        #expect(try agent.get("/api/v1/processes?limit=0").status == 400)
        #expect(try agent.get("/api/v1/processes?sort=pid").status == 400)
        // curl -I writes the headers where the body would go: no JSON there means no body was sent.
        let head = try agent.get("/api/v1/processes", ["-I"])
        let get = try agent.get("/api/v1/processes")
        #expect(head.status == 200 && !head.body.contains("{"))
        #expect(head.headers["content-length"] == String(get.body.utf8.count))
        #expect(try agent.get("/metrics", ["-H", "Content-Length: 5", "--data-binary", "hello", "-X", "GET"]).status == 413)
    }

    @Test func malformedRequestGets400AndOthersKeepBeingServed() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let port = agent.baseURL.split(separator: ":").last!
        let script = """
            import socket, sys
            \(pythonReadAll)
            def exchange(data):
                s = socket.create_connection(("127.0.0.1", \(port)))
                s.sendall(data)
                s.settimeout(5)
                reply = read_all(s)
                s.close()
                return reply
            print(exchange(b"GARBAGE\\r\\n\\r\\n").split(b"\\r\\n")[0].decode())
            # Found by fuzz_conn: a refused request with more bytes behind it once crashed the server.
            print(exchange(b"GET / HTTP/1.1\\r\\nIost: x\\r\\n\\r\\nGET / HTTP/1.1\\r\\n").split(b"\\r\\n")[0].decode())
            print(exchange(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n" + b"X-Big: " + b"a" * 20000 + b"\\r\\n\\r\\n").split(b"\\r\\n")[0].decode())
            pipelined = exchange(b"GET /api/v1/health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n" * 3 + b"GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
            print(pipelined.count(b"HTTP/1.1 200 OK"))
            """
        let result = try run("python3", ["-c", script])
        #expect(result.stdout.split(separator: "\n") == ["HTTP/1.1 400 Bad Request", "HTTP/1.1 400 Bad Request", "HTTP/1.1 431 Request Header Fields Too Large", "4"], "\(result.stderr)")
        #expect(try agent.get("/metrics").status == 200)
    }

    /// Heads two parsers could frame differently (RFC 9112 §6.3) are request-smuggling primitives: a second
    /// Content-Length (even after a 0), Transfer-Encoding beside Content-Length, a folded line. Each gets a
    /// 400 and the connection closes, so the request smuggled behind it is never answered.
    @Test func ambiguousFramingGets400AndCloses() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let port = agent.baseURL.split(separator: ":").last!
        let script = """
            import socket
            \(pythonReadAll)
            smuggled = b"GET /api/v1/health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
            for head in [b"Content-Length: 0\\r\\nContent-Length: 39\\r\\n",
                         b"Transfer-Encoding: chunked\\r\\nContent-Length: 0\\r\\n",
                         b"X-A: b\\r\\n folded: yes\\r\\n"]:
                s = socket.create_connection(("127.0.0.1", \(port)))
                s.sendall(b"GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n" + head + b"\\r\\n" + smuggled)
                s.settimeout(5)
                reply = read_all(s)  # returns at the server's close
                s.close()
                print(reply.split(b"\\r\\n")[0].decode(), reply.count(b"HTTP/1.1 "))
            """
        let result = try run("python3", ["-c", script])
        #expect(result.stdout.split(separator: "\n") == Array(repeating: "HTTP/1.1 400 Bad Request 1", count: 3), "\(result.stdout)\(result.stderr)")
    }

    /// A /metrics page goes to the socket straight from the cached page; what the socket does not take at
    /// once is queued and sent after, and later responses queue behind it. A client with a tiny receive
    /// window pipelines 100 requests and reads nothing until the server has answered another client: 100
    /// pages are more than the kernel's largest send buffer (4 MiB by default), so the server's sends fall
    /// short. Every page must arrive whole and in order.
    @Test func largeBodiesReachASlowReaderWholeAndInOrder() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let port = agent.baseURL.split(separator: ":").last!
        let script = """
            import socket
            \(pythonReadAll)
            request = b"GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
            plain = socket.create_connection(("127.0.0.1", \(port)))
            plain.sendall(request.replace(b"\\r\\n\\r\\n", b"\\r\\nConnection: close\\r\\n\\r\\n"))
            page = read_all(plain).split(b"\\r\\n\\r\\n", 1)[1]
            slow = socket.socket()
            slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            slow.settimeout(30)
            slow.connect(("127.0.0.1", \(port)))
            slow.sendall(request * 99 + request.replace(b"\\r\\n\\r\\n", b"\\r\\nConnection: close\\r\\n\\r\\n"))
            # The server answers connections in turn on one thread: once this other answer is back, it has
            # taken up the pipelined requests and sent what the socket would take, before any was read.
            other = socket.create_connection(("127.0.0.1", \(port)))
            other.sendall(b"GET /api/v1/health HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
            read_all(other)
            responses = read_all(slow).split(b"HTTP/1.1 200 OK\\r\\n")[1:]
            head = b"\\r\\nContent-Length: %d\\r\\n" % len(page)
            print(len(page) > 20000, len(responses), all(head in r and r.endswith(b"\\r\\n\\r\\n" + page) for r in responses))
            """
        let result = try run("python3", ["-c", script])
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "True 100 True", "\(result.stderr)")
    }

    /// At the connection limit a newcomer displaces the oldest idle connection, but never one whose request
    /// is already waiting unread: the agent is stopped while a request and an idle socket queue up behind a
    /// keep-alive connection, so that both are accepted in one burst before anything is read.
    @Test func aWaitingRequestIsNotEvictedAsIdle() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment.merging(["HTTP_MAX_CONNECTIONS": "1"]) { $1 })
        defer { _ = agent.stop() }
        let port = agent.baseURL.split(separator: ":").last!
        let script = """
            import os, signal, socket, time
            def connect():
                s = socket.create_connection(("127.0.0.1", \(port)))
                s.settimeout(5)
                return s
            def status(s):
                reply = s.recv(65536)
                return reply.split(b"\\r\\n")[0].decode() if reply else "closed"
            kept = connect()
            kept.sendall(b"GET /api/v1/health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
            print(status(kept))
            os.kill(\(agent.process.processIdentifier), signal.SIGSTOP)
            # The signal is asynchronous: connect only once every thread of the agent is stopped, or its loop
            # may still accept (and answer) the next connection.
            def stopped():
                tasks = "/proc/\(agent.process.processIdentifier)/task"
                return all(open(f"{tasks}/{t}/stat").read().rsplit(")", 1)[1].split()[0] == "T" for t in os.listdir(tasks))
            deadline = time.monotonic() + 5
            while not stopped() and time.monotonic() < deadline:
                time.sleep(0.001)
            waiting = connect()
            waiting.sendall(b"GET /api/v1/health HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
            idle = connect()
            # connect() returns before the server's kernel has queued the connection (a loaded machine may
            # defer that): resume the agent only once its listening socket holds both, so that one burst of
            # accepts sees them together, which is what this test is about.
            def accept_queue():
                for line in open("/proc/net/tcp").read().splitlines()[1:]:
                    fields = line.split()
                    if fields[1].endswith(":%04X" % \(port)) and fields[3] == "0A":
                        return int(fields[4].split(":")[1], 16)
                return 0
            deadline = time.monotonic() + 5
            while accept_queue() < 2 and time.monotonic() < deadline:
                time.sleep(0.001)
            os.kill(\(agent.process.processIdentifier), signal.SIGCONT)
            print(status(waiting))
            print(status(idle))
            print(status(kept))
            """
        let result = try run("python3", ["-c", script])
        #expect(result.stdout.split(separator: "\n") == [
            "HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 503 Service Unavailable", "closed",
        ], "\(result.stderr)")
    }

    @Test func sigtermStopsCleanly() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
        #expect(log.contains(" - agent - INFO - stopped"))
    }
}

@Suite struct IPv6Tests {
    @Test func servesOnIPv6Loopback() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment, arguments: ["--listen", "[::1]:0"])
        defer { _ = agent.stop() }
        #expect(agent.baseURL.hasPrefix("http://[::1]:"))
        #expect(try curl(agent.baseURL + "/api/v1/health", ["-g"]).status == 200)
    }
}

@Suite struct AuthTests {
    @Test func tokenGuardsEveryRouteButExemptHealth() throws {
        let agent = try RunningAgent(
            environment: fixtureEnvironment.merging(["HTTP_AUTH_TOKEN": "t0ken", "HTTP_AUTH_EXEMPT_HEALTH": "true"]) { $1 })
        defer { _ = agent.stop() }
        let denied = try agent.get("/metrics")
        #expect(denied.status == 401 && denied.headers["www-authenticate"] == "Bearer realm=\"shelter-agent\"")
        #expect(try agent.get("/metrics", ["-H", "Authorization: Bearer t0ken"]).status == 200)
        #expect(try agent.get("/api/v1/health").status == 200)
        #expect(try agent.get("/api/v1/processes", ["-H", "Authorization: Bearer nope"]).status == 401)
    }
}
