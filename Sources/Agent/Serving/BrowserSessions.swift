import API
import Synchronization

/// The sessions browsers got by presenting the bearer token once (`/api/v1/session`): random 256-bit ids
/// held in memory only, so a restart signs everyone out and nothing secret is ever written down. Bounded:
/// past `capacity` the oldest session goes.
final class BrowserSessions: Sendable {
    static let cookieName = "shelter_session"
    private let lifetime: Double
    private let capacity: Int
    private let clock: @Sendable () -> Double
    /// Over HTTPS the cookie is marked Secure, so a browser never sends it in the clear.
    private let secure: Bool
    private let sessions = Mutex<[(id: [UInt8], expires: Double)]>([])

    init(lifetime: Double = 12 * 3600, capacity: Int = 64, secure: Bool = false, clock: @escaping @Sendable () -> Double) {
        self.secure = secure
        self.lifetime = lifetime
        self.capacity = capacity
        self.clock = clock
    }

    /// A new session and the Set-Cookie value that hands it to the browser.
    func open() -> (id: String, setCookie: String) {
        let id = Self.randomHex(bytes: 32)
        let now = clock()
        sessions.withLock { sessions in
            sessions.removeAll { $0.expires <= now }
            if sessions.count >= capacity { sessions.removeFirst() }
            sessions.append((Array(id.utf8), now + lifetime))
        }
        // HttpOnly: scripts cannot read it; SameSite=Strict: no other site's page can make the browser send it.
        return (id, "\(Self.cookieName)=\(id); Path=/; Max-Age=\(Int(lifetime)); HttpOnly; SameSite=Strict\(secure ? "; Secure" : "")")
    }

    /// Whether the request carries a live session cookie; every stored id is compared in constant time.
    func admits(_ request: Request) -> Bool {
        guard let offered = Self.cookie(in: request) else { return false }
        let now = clock()
        return sessions.withLock { sessions in
            var found = false
            for session in sessions where session.expires > now {
                found = BearerAuth.constantTimeEqual(offered, session.id) || found
            }
            return found
        }
    }

    static func cookie(in request: Request) -> [UInt8]? {
        guard let header = request.header("cookie") else { return nil }
        for pair in header.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " }
            if trimmed.hasPrefix(cookieName + "=") { return Array(trimmed.dropFirst(cookieName.count + 1).utf8) }
        }
        return nil
    }

    /// SystemRandomNumberGenerator reads the kernel's CSPRNG (getrandom(2)) on Linux.
    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for _ in 0..<count {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            text += [digits[Int(byte >> 4)], digits[Int(byte & 15)]]
        }
        return String(decoding: text, as: UTF8.self)
    }
}
