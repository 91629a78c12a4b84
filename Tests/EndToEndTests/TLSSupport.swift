import Foundation

/// A private CA with a server certificate (SAN 127.0.0.1 and localhost), a second server certificate for
/// rotation, a client certificate, and a key that matches none of them, made with the `openssl` command.
struct TLSFixture {
    let directory: String
    var ca: String { directory + "/ca.pem" }
    /// What the agent serves; rotation renames others over these.
    var cert: String { directory + "/server.pem" }
    var key: String { directory + "/server.key" }
    var nextCert: String { directory + "/next.pem" }
    var nextKey: String { directory + "/next.key" }
    var clientCert: String { directory + "/client.pem" }
    var clientKey: String { directory + "/client.key" }
    var strayKey: String { directory + "/stray.key" }

    init() throws {
        directory = try temporaryDirectory("tls")
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", directory + "/ca.key", "-out", ca,
                     "-days", "2", "-subj", "/CN=shelter test CA"])
        _ = FileManager.default.createFile(
            atPath: directory + "/server.ext", contents: Data("subjectAltName=IP:127.0.0.1,DNS:localhost\n".utf8))
        try issue("server", extensions: directory + "/server.ext")
        try issue("next", extensions: directory + "/server.ext")
        try issue("client", extensions: nil)
        try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", strayKey])
    }

    /// A key and a certificate signed by the CA, named `name`.pem and `name`.key.
    private func issue(_ name: String, extensions: String?) throws {
        let base = directory + "/" + name
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", base + ".key", "-out", base + ".csr",
                     "-subj", "/CN=\(name)"])
        try openssl(["x509", "-req", "-in", base + ".csr", "-CA", ca, "-CAkey", directory + "/ca.key",
                     "-set_serial", "0x\(UUID().uuidString.prefix(8))", "-days", "2", "-out", base + ".pem"]
                    + (extensions.map { ["-extfile", $0] } ?? []))
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try run("openssl", arguments)
        guard result.status == 0 else { throw TestFailure("openssl \(arguments.first ?? ""): \(result.stderr)") }
    }

    /// The certificate's serial as `openssl x509 -serial` spells it (hex, upper case).
    func serial(_ certificate: String) throws -> String {
        let result = try run("openssl", ["x509", "-noout", "-serial", "-in", certificate])
        return String(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("serial=".count))
    }

    /// The environment that serves HTTPS with this fixture's pair (and asks for client certificates).
    func environment(clientCertificates: Bool = false) -> [String: String] {
        var environment = ["HTTP_TLS_CERT_FILE": cert, "HTTP_TLS_KEY_FILE": key]
        if clientCertificates { environment["HTTP_TLS_CLIENT_CA_FILE"] = ca }
        return environment
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// One `openssl s_client` handshake: whether it completed, and the protocol and ALPN it settled on.
struct TLSHandshake {
    var completed: Bool
    var protocolVersion: String?
    var alpn: String?
    var output: String

    static func attempt(port: String, ca: String, version: String, alpn: String = "h2,http/1.1") throws -> TLSHandshake {
        // SECLEVEL=0 lets the client offer TLS 1.0 and 1.1 at all: a refusal is then the agent's.
        let result = try run(
            "timeout", ["10", "openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", ca, "-\(version)",
                        "-alpn", alpn, "-cipher", "DEFAULT@SECLEVEL=0", "-verify_return_error"],
            input: "")
        let text = result.stdout + result.stderr
        func field(_ prefix: String) -> String? {
            text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }
                .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) }
        }
        // "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256", or "New, (NONE), Cipher is (NONE)" when refused.
        let version = text.split(separator: "\n").first { $0.hasPrefix("New, ") }
            .map { String($0.dropFirst("New, ".count).prefix { $0 != "," }) }
        let completed = result.status == 0 && (version ?? "(NONE)") != "(NONE)" && text.contains("Verify return code: 0 (ok)")
        return TLSHandshake(completed: completed, protocolVersion: version, alpn: field("ALPN protocol:"), output: text)
    }
}
