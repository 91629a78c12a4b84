#if canImport(Glibc)
    import Glibc
#endif

/// SERVER_URL, taken apart: `http` or `https`, an optional `user:password@`, a host (a name, an IPv4
/// address or a bracketed IPv6 one), an optional port from 1 to 65535, and a path the API's routes are
/// appended to.
///
/// Checked at start so that a typo exits 2 naming SERVER_URL instead of leaving the agent to retry an
/// impossible request forever; and kept apart so the password can be masked wherever the URL is logged.
struct DashboardURL: Sendable, Equatable {
    var scheme: String
    /// What came before `@`, as written; often `user:password`.
    var userinfo: String?
    /// As written, brackets included for IPv6.
    var host: String
    var port: UInt16?
    /// Empty or starting with `/`.
    var path: String

    /// Why `text` is not a dashboard URL, as a reason for `ConfigurationError`.
    struct Problem: Error, Equatable {
        var reason: String
    }

    static func parse(_ text: String) throws(Problem) -> DashboardURL {
        if text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw Problem(reason: "a URL has no spaces or control characters")
        }
        guard let separator = text.firstRange(of: "://") else {
            throw Problem(reason: "expected an http:// or https:// URL, or nothing for pull-only")
        }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw Problem(reason: "expected an http:// or https:// URL, not \(scheme)://")
        }
        let rest = text[separator.upperBound...]
        if rest.contains("?") || rest.contains("#") {
            throw Problem(reason: "the API's paths are appended to it, so it cannot have a query or a fragment")
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var hostPort = rest[..<authorityEnd]
        var userinfo: String?
        if let at = hostPort.lastIndex(of: "@") {
            userinfo = String(hostPort[..<at])
            hostPort = hostPort[hostPort.index(after: at)...]
        }
        let (host, port) = try Self.splitHostPort(hostPort)
        return DashboardURL(
            scheme: scheme, userinfo: userinfo, host: host, port: port, path: String(rest[authorityEnd...]))
    }

    private static func splitHostPort(_ text: Substring) throws(Problem) -> (String, UInt16?) {
        var host: Substring, portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw Problem(reason: "the IPv6 address has no closing ]")
            }
            host = text[...close]
            let after = text[text.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw Problem(reason: "expected :port after ]") }
            portText = after.isEmpty ? nil : after.dropFirst()
            var address = in6_addr()
            guard inet_pton(AF_INET6, String(host.dropFirst().dropLast()), &address) == 1 else {
                throw Problem(reason: "\(host) is not an IPv6 address")
            }
        } else {
            let colon = text.firstIndex(of: ":")
            host = text[..<(colon ?? text.endIndex)]
            portText = colon.map { text[text.index(after: $0)...] }
            guard !host.isEmpty else { throw Problem(reason: "the URL has no host") }
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) else {
                throw Problem(
                    reason: "the host is not a name or an address (letters, digits, - and .; IPv6 in brackets)")
            }
        }
        guard let portText else { return (String(host), nil) }
        guard portText.allSatisfy(\.isASCII), let port = UInt16(portText), port > 0 else {
            // Not quoted back: with a password holding a `/`, what looks like the port is part of the password.
            throw Problem(reason: "expected a port from 1 to 65535 after the host")
        }
        return (String(host), port)
    }

    /// The dashboard is on this machine, so plain http:// exposes nothing to the network.
    var isLoopback: Bool {
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        return bare == "localhost" || bare.hasPrefix("127.") || bare == "::1"
    }

    /// `text` with any password (everything between `://` and the last `@`) replaced by `***`, for every
    /// place a URL is logged or printed. Works on text that did not parse too, since an error message
    /// quotes the value; and it looks past the first `/`, since a password may hold an unescaped one.
    static func masked(_ text: String) -> String {
        guard let separator = text.firstRange(of: "://") else { return text }
        let rest = text[separator.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return text }
        let userinfo = rest[..<at]
        // user:password keeps the user, which helps the operator; a lone user part may itself be a token.
        let shown = userinfo.firstIndex(of: ":").map { "\(userinfo[..<$0]):***" } ?? "***"
        return String(text[..<separator.upperBound]) + shown + String(rest[at...])
    }
}
