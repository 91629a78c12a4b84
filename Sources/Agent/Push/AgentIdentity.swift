#if canImport(Glibc)
    import Glibc
#endif
import API
import CHTTPClient
import HostMetrics

/// Who this agent is to the dashboard: the reference agent's hwid and agent_id, and the facts
/// registration reports, read from the watched host's trees.
struct AgentIdentity: Sendable, Equatable {
    var hwid: String
    var hostname: String
    var agentId: String { "\(hwid)-\(hostname)" }

    /// First 16 hex digits of SHA-256 over `<mac>-<machine-id>-<arch>`, as the reference agent computes it.
    static func make(roots: HostRoots, hostname: String) -> AgentIdentity {
        let seed = "\(macAddress(roots.sys))-\(machineID(roots.rootfs))-\(architecture())"
        return AgentIdentity(hwid: String(sha256Hex(Array(seed.utf8)).prefix(16)), hostname: hostname)
    }

    static func macAddress(_ sys: FileTree) -> String {
        for name in ((try? sys.list("class/net")) ?? []).sorted() where name != "lo" {
            let address = text(try? sys.read("class/net/\(name)/address"))
            if !address.isEmpty && address != "00:00:00:00:00:00" { return address }
        }
        return "00:00:00:00:00:00"
    }

    static func machineID(_ rootfs: FileTree) -> String {
        let id = text(try? rootfs.read("etc/machine-id"))
        return id.isEmpty ? text(try? rootfs.read("var/lib/dbus/machine-id")) : id
    }

    static func architecture() -> String { uname().machine }

    /// "Debian GNU/Linux 12 (bookworm), kernel 6.1.0-18-amd64", at most 100 characters (the column's size).
    static func osVersion(_ rootfs: FileTree) -> String {
        var pretty = "Linux"
        for line in text(try? rootfs.read("etc/os-release")).split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            pretty = String(line.dropFirst(12).filter { $0 != "\"" })
        }
        return String("\(pretty), kernel \(uname().release)".prefix(100))
    }

    static func primaryAddress() -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        guard chc_primary_address(&buffer, buffer.count) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// 64 hex digits: SHA-256 of hwid, hostname and 32 random bytes, as the reference agent makes it.
    func newToken() -> String {
        var random = [UInt8](repeating: 0, count: 32)
        _ = chc_random_bytes(&random, random.count)
        return Self.sha256Hex(Array(hwid.utf8) + Array(hostname.utf8) + random)
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        var out = [CChar](repeating: 0, count: 65)
        // Reached only after a DashboardClient was made, so libcrypto is loaded; without it there is no
        // identity to give, and a made-up one would register a stranger.
        let status = bytes.withUnsafeBytes { chc_sha256_hex($0.baseAddress, $0.count, &out) }
        precondition(status == 0, chc_library_error().map { String(cString: $0) } ?? "SHA-256 failed")
        return String(decoding: out.prefix(64).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func text(_ bytes: [UInt8]?) -> String {
        String(decoding: bytes ?? [], as: UTF8.self).filter { !$0.isWhitespace }
    }

    private static func uname() -> (machine: String, release: String) {
        var info = utsname()
        Glibc.uname(&info)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return (field(info.machine), field(info.release))
    }
}

/// Writes the token into the `.env` file the agent was configured from: the API_TOKEN line replaced (or
/// added), every other line and comment kept as it was, atomically, mode 0600.
enum TokenStore {
    static func save(token: String, to path: String) throws(DurableFile.Failure) {
        let original = DurableFile.read(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        DurableFile.syncDirectory(of: path)
        try DurableFile.replace(path, with: Array(replacingToken(in: original, with: token).utf8), mode: 0o600)
    }

    static func replacingToken(in text: String, with token: String) -> String {
        // A byte order mark stays where it was, and does not hide an API_TOKEN on line 1.
        if text.unicodeScalars.first == "\u{FEFF}" {
            return "\u{FEFF}" + replacingToken(in: String(text.unicodeScalars.dropFirst()), with: token)
        }
        var lines = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var replaced = false
        for (index, line) in lines.enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            let body = trimmed.hasPrefix("export ") ? trimmed.dropFirst(7).drop { $0 == " " } : trimmed
            guard body.hasPrefix("API_TOKEN"), body.dropFirst(9).drop(while: { $0 == " " }).first == "=" else { continue }
            lines[index] = (trimmed.hasPrefix("export ") ? "export " : "") + "API_TOKEN=" + token
            replaced = true
        }
        if !replaced { lines.append("API_TOKEN=" + token) }
        return lines.joined(separator: "\n") + "\n"
    }
}
