/// The live page's two static files, served by the agent itself so the page needs no other origin.
public enum LiveAssets {
    public enum Asset: String, Sendable, CaseIterable {
        case script = "/assets/live.js"
        case style = "/assets/live.css"

        public init?(path: String) { self.init(rawValue: path) }

        public var contentType: String {
            switch self {
            case .script: return "text/javascript; charset=utf-8"
            case .style: return "text/css; charset=utf-8"
            }
        }

        public var body: [UInt8] {
            switch self {
            case .script: return LiveAssets.script
            case .style: return LiveAssets.style
            }
        }
    }

    static let script = Array(LiveScript.source.utf8)
    static let style = Array(LiveStyle.source.utf8)

    /// Headers every page of the live view carries: nothing from elsewhere, no framing, no sniffing.
    public static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", LivePage.contentSecurityPolicy), ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY"),
    ]
}
