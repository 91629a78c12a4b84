/// The optional bearer token in front of the endpoint (RFC 6750). With no token configured everyone is
/// let in; with one, every route but (optionally) health needs `Authorization: Bearer <token>`.
public struct BearerAuth: Sendable {
    private let token: [UInt8]?
    private let exemptHealth: Bool

    public init(token: String?, exemptHealth: Bool) {
        self.token = token.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        self.exemptHealth = exemptHealth
    }

    public var isEnabled: Bool { token != nil }

    /// `nil` when the request may proceed, else the 401 to answer with.
    public func deny(_ request: Request) -> Response? {
        guard let token else { return nil }
        if exemptHealth, Router.split(request.target).path == "/api/v1/health" { return nil }
        guard let header = request.header("authorization") else {
            return Response.error(401, "a bearer token is required", headers: [("WWW-Authenticate", "Bearer realm=\"shelter-agent\"")])
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        let offered = parts.count == 2 && parts[0].lowercased() == "bearer" ? Array(parts[1].trimmingSpaces.utf8) : []
        guard Self.constantTimeEqual(offered, token) else {
            return Response.error(
                401, "the bearer token is not valid",
                headers: [("WWW-Authenticate", "Bearer realm=\"shelter-agent\", error=\"invalid_token\"")])
        }
        return nil
    }

    /// Compares every byte whatever the first difference, so the time taken does not tell an attacker
    /// how much of a guess was right.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        // Lengths compared whole: truncating their XOR to a byte would let lengths 256 apart pass.
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
