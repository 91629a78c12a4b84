/// `/`: what this endpoint serves, for whoever typed `curl localhost:9110`.
public enum IndexPage {
    public static let routes: [(path: String, summary: String)] = [
        ("/metrics", "Prometheus text format 0.0.4 (node_exporter names for shared families)"),
        ("/api/v1/metrics", "the current snapshot as JSON"),
        ("/api/v1/processes?limit=N&sort=cpu|memory|io", "the busiest processes as JSON"),
        ("/api/v1/health", "collection status and per-collector state as JSON"),
    ]

    public enum Format: Sendable { case html, json, text }

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
        case .html:
            let items = routes.map { route in
                let href = String(route.path.prefix { $0 != "?" })
                return "<li><a href=\"\(href)\">\(escapeHTML(route.path))</a> — \(escapeHTML(route.summary))</li>"
            }
            let page =
                "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>ShelterAgent</title></head>\n"
                + "<body><h1>ShelterAgent \(escapeHTML(version))</h1>\n<ul>\n\(items.joined(separator: "\n"))\n</ul>"
                + "</body></html>\n"
            return ("text/html; charset=utf-8", Array(page.utf8))
        case .text:
            let lines = routes.map { "  \($0.path)\n      \($0.summary)" }
            let page = "ShelterAgent \(version)\n\n\(lines.joined(separator: "\n"))\n"
            return ("text/plain; charset=utf-8", Array(page.utf8))
        }
    }

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
