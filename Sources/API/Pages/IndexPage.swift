/// `/`: what this endpoint serves, for whoever typed `curl localhost:9110`.
public enum IndexPage {
    public static let routes: [(path: String, summary: String)] = [
        ("/metrics", "Prometheus text format 0.0.4 (node_exporter names for shared families)"),
        ("/api/v1/metrics", "the current snapshot as JSON"),
        ("/api/v1/processes?limit=N&sort=cpu|memory|io", "the busiest processes as JSON"),
        ("/api/v1/health", "collection status and per-collector state as JSON"),
        ("/api/v1/history?since=-300&fields=cpu_percent,load1", "the last HISTORY_DURATION as JSON columns"),
        ("/api/v1/stream?fields=*", "Server-Sent Events, one per collection (curl -N)"),
    ]

    /// A browser gets the live page instead (`LivePage`).
    public enum Format: Sendable { case json, text }

    public static func render(_ format: Format, version: String) -> (contentType: String, body: [UInt8]) {
        switch format {
        case .json:
            var json = JSONWriter()
            json.object { json in
                json.field("name", "shelter-agent")
                json.field("version", version)
                json.key("routes")
                json.array { json in
                    for route in routes {
                        json.object { json in
                            json.field("path", route.path)
                            json.field("description", route.summary)
                        }
                    }
                }
            }
            return ("application/json", json.bytes)
        case .text:
            let lines = routes.map { "  \($0.path)\n      \($0.summary)" }
            let page = "ShelterAgent \(version)\n\n\(lines.joined(separator: "\n"))\n"
            return ("text/plain; charset=utf-8", Array(page.utf8))
        }
    }

}
