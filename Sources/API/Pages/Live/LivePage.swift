/// `/` in a browser: this host now, as HTML that reads without JavaScript (the current figures, the
/// process table, health and the push pipeline), and that `live.js` turns into moving charts fed by
/// `/api/v1/history` and `/api/v1/stream`. Everything comes from the agent itself: the Content-Security-
/// Policy below lets the page load nothing from anywhere else.
public enum LivePage {
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// The rows the process table shows.
    public static let processRows = 25

    public static func render(
        _ snapshot: Snapshot?, agent: AgentInfo, push: PushReport?, remoteWrite: RemoteWriteReport? = nil, now: Double,
        sort: ProcessSort
    ) -> [UInt8] {
        var html = HTMLWriter()
        head(title: "\(snapshot?.hostname ?? "host") — ShelterAgent", into: &html)
        html.raw("<header><h1>")
        html.text(snapshot?.hostname ?? "ShelterAgent")
        html.raw("</h1><span class=\"sub\">ShelterAgent ")
        html.text(agent.version)
        html.raw(" · every ")
        html.text(NumberFormat.decimal(agent.collectionInterval))
        html.raw(" s · <span id=\"updated\">")
        html.text(snapshot.map { Timestamp.rfc3339($0.timestamp) } ?? "no collection yet")
        html.raw("</span></span>")
        writeRange(agent, into: &html)
        html.raw("<nav><a href=\"/metrics\">/metrics</a> <a href=\"/api/v1/metrics?pretty\">JSON</a> ")
        html.raw("<a href=\"/api/v1/health?pretty\">health</a></nav></header>\n")
        html.raw("<main>")
        StatusPanel.write(snapshot, agent: agent, push: push, remoteWrite: remoteWrite, now: now, into: &html)
        FiguresPanel.write(snapshot, into: &html)
        ProcessPanel.write(snapshot?.processes, sort: sort, into: &html)
        html.raw("</main>\n<noscript><p class=\"note\">Without JavaScript this page shows the figures of ")
        html.raw("the moment it was loaded; reload it for newer ones.</p></noscript></body></html>\n")
        return html.bytes
    }
}

extension LivePage {
    /// What a browser without a session gets when HTTP_AUTH_TOKEN is set: the sign-in form and nothing
    /// of the host, not even its name.
    public static func renderSignIn(version: String) -> [UInt8] {
        var html = HTMLWriter()
        head(title: "ShelterAgent", into: &html)
        html.raw("<header><h1>ShelterAgent</h1><span class=\"sub\">")
        html.text(version)
        html.raw("</span></header>\n<main>")
        LoginForm.write(into: &html)
        html.raw("</main></body></html>\n")
        return html.bytes
    }

    static func head(title: String, into html: inout HTMLWriter) {
        html.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        html.raw("<title>")
        html.text(title)
        // An empty icon, so the browser does not ask for /favicon.ico.
        html.raw("</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/assets/live.css\">")
        html.raw("<script src=\"/assets/live.js\" defer></script></head>\n<body>")
    }

    /// How far back the charts look: from five minutes up to what HISTORY_DURATION keeps.
    static func writeRange(_ agent: AgentInfo, into html: inout HTMLWriter) {
        let kept = agent.collectionInterval * Double(agent.historyCapacity)
        let choices: [(Double, String)] = [(300, "5 min"), (900, "15 min"), (3600, "1 h"), (6 * 3600, "6 h"), (86_400, "24 h")]
        html.raw("<label class=\"sub\">charts <select id=\"range\">")
        for (seconds, label) in choices where seconds <= max(kept, 300) {
            html.raw("<option value=\"\(Int(seconds))\"\(seconds == 900 ? " selected" : "")>\(label)</option>")
        }
        html.raw("</select></label>")
    }
}

/// Builds HTML text, escaping whatever came from the host (process names, command lines, mount points).
struct HTMLWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(16_384) }

    mutating func raw(_ markup: String) { bytes.append(contentsOf: markup.utf8) }

    mutating func text(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "<"): raw("&lt;")
            case UInt8(ascii: ">"): raw("&gt;")
            case UInt8(ascii: "&"): raw("&amp;")
            case UInt8(ascii: "\""): raw("&quot;")
            case UInt8(ascii: "'"): raw("&#39;")
            default: bytes.append(byte)
            }
        }
    }

    /// A table cell holding `text`, with `data-v` carrying the sortable number.
    mutating func cell(_ text: String, sortValue: Double? = nil, className: String? = nil, title: String? = nil) {
        raw("<td")
        if let className { raw(" class=\"\(className)\"") }
        if let title {
            raw(" title=\"")
            self.text(title)
            raw("\"")
        }
        if let sortValue { raw(" data-v=\"\(NumberFormat.decimal(sortValue))\"") }
        raw(">")
        self.text(text)
        raw("</td>")
    }
}

/// How the page spells figures for people.
enum HumanFormat {
    static func bytes(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var scaled = value, unit = 0
        while abs(scaled) >= 1024 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(scaled)) B" : "\(oneDecimal(scaled)) \(units[unit])"
    }

    static func rate(_ value: Double?) -> String { value == nil ? "—" : bytes(value) + "/s" }

    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return "\(oneDecimal(value)) %"
    }

    static func oneDecimal(_ value: Double) -> String { NumberFormat.decimal((value * 10).rounded() / 10) }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds)
        if whole >= 86_400 { return "\(whole / 86_400) d \(whole % 86_400 / 3600) h" }
        if whole >= 3600 { return "\(whole / 3600) h \(whole % 3600 / 60) min" }
        if whole >= 60 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole) s"
    }
}
