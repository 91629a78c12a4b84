import Logging

/// Puts a replaced certificate and key into service: cert-manager and ACME clients rewrite them in place or
/// rename new files over them. Looked at once per collection pass (three stat(2) when nothing changed) and
/// on SIGHUP; a new pair serves new connections while open ones keep theirs, and one that does not load or
/// match is logged and the previous pair kept.
struct TLSRotation: Sendable {
    let server: HTTPServer
    let files: TLSFiles
    let logger: Logger

    func check(force: Bool) {
        switch server.reloadTLS(force: force) {
        case .unchanged:
            break
        case .reloaded:
            logger.notice(
                "TLS certificate \(files.certFile) and key \(files.keyFile) reloaded: new connections use them")
        case .unusable(let reason):
            logger.error("TLS files changed but cannot be used; the previous certificate stays in service: \(reason)")
        }
    }
}
