import API
import CHTTPServer

/// The C server with the endpoint as its handler. The C loop calls back through a plain function
/// pointer; the endpoint comes back from the context pointer, retained for as long as the server runs.
final class HTTPServer: @unchecked Sendable {
    // @unchecked: `server` is touched only by start() and stop(), which the owning service calls in order.
    private let server: OpaquePointer
    private let context: Unmanaged<Endpoint>
    let port: UInt16

    struct Limits {
        var maxConnections: Int
        var maxHeaderBytes: Int
        var maxHeaders: Int
        var idleTimeoutSeconds: Double
        var requestTimeoutSeconds: Double
        var http2MaxStreams: Int
    }

    init(endpoint: Endpoint, host: String, port: UInt16, limits: Limits, tls: TLSFiles? = nil) throws(HTTPServerError) {
        var config = chs_config()
        chs_config_default(&config)
        config.port = port
        config.max_connections = Int32(limits.maxConnections)
        config.max_header_bytes = limits.maxHeaderBytes
        config.max_request_line = min(limits.maxHeaderBytes, 4096)
        config.max_headers = limits.maxHeaders
        config.idle_timeout_ms = Int32(limits.idleTimeoutSeconds * 1000)
        config.request_timeout_ms = Int32(limits.requestTimeoutSeconds * 1000)
        config.h2_max_streams = Int32(limits.http2MaxStreams)
        let context = Unmanaged.passRetained(endpoint)
        var error = [CChar](repeating: 0, count: 256)
        let capacity = error.count
        let created = host.withCString { hostPointer in
            config.host = hostPointer
            // The C side copies the paths: it reads the files again when they change.
            return withOptionalCString(tls?.certFile) { cert in
                withOptionalCString(tls?.keyFile) { key in
                    withOptionalCString(tls?.clientCAFile) { clientCA in
                        config.tls_cert_file = cert
                        config.tls_key_file = key
                        config.tls_client_ca_file = clientCA
                        return chs_server_create(&config, handleRequest, context.toOpaque(), &error, capacity)
                    }
                }
            }
        }
        self.context = context
        guard let created else {
            context.release()
            throw HTTPServerError(message: cText(error))
        }
        server = created
        self.port = chs_server_port(created)
    }

    func start() throws(HTTPServerError) {
        guard chs_server_start(server) == 0 else { throw HTTPServerError(message: "cannot start the server thread") }
    }

    func stop() {
        chs_server_stop(server)
    }

    /// What looking at the TLS files found.
    enum TLSReload: Equatable {
        case unchanged
        case reloaded
        case unusable(String)
    }

    /// Reloads the certificate and key for new connections when their files changed (or always, with
    /// `force`); open connections keep the pair they began with. Cheap when nothing changed: three stat(2).
    func reloadTLS(force: Bool) -> TLSReload {
        var error = [CChar](repeating: 0, count: 512)
        switch chs_server_reload_tls(server, force ? 1 : 0, &error, error.count) {
        case 1: return .reloaded
        case 0: return .unchanged
        default: return .unusable(cText(error))
        }
    }

    /// Whether a certificate and key load and match (and the client CAs load), as the server would load
    /// them; nil when they do, else why not.
    static func tlsProblem(_ files: TLSFiles) -> String? {
        var error = [CChar](repeating: 0, count: 512)
        let rc = withOptionalCString(files.clientCAFile) { clientCA in
            chs_tls_check(files.certFile, files.keyFile, clientCA, &error, error.count)
        }
        return rc == 0 ? nil : cText(error)
    }

    /// Queues one event for several open streams (one copy for all); returns the ids whose streams are gone.
    func send(toStreams ids: [UInt64], _ bytes: [UInt8]) -> [UInt64] {
        var gone = [UInt8](repeating: 0, count: ids.count)
        let missing = bytes.withUnsafeBufferPointer { event in
            chs_stream_send(server, ids, ids.count, event.baseAddress, event.count, &gone)
        }
        return missing == 0 ? [] : zip(ids, gone).filter { $0.1 != 0 }.map(\.0)
    }

    deinit {
        chs_server_destroy(server)
        context.release()
    }
}

/// A NUL-terminated C message as a String.
private func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

private func withOptionalCString<Result>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}

struct HTTPServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

private func handleRequest(
    _ request: UnsafePointer<chs_request>?, _ responder: OpaquePointer?, _ context: UnsafeMutableRawPointer?
) {
    guard let request, let responder, let context else { return }
    let endpoint = Unmanaged<Endpoint>.fromOpaque(context).takeUnretainedValue()
    let parsed = request.pointee
    func text(_ pointer: UnsafePointer<CChar>?, _ count: Int) -> String? {
        guard let pointer else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: count), as: UTF8.self)
    }
    var headers: [(name: String, value: String)] = []
    headers.reserveCapacity(parsed.num_headers)
    for index in 0..<parsed.num_headers {
        let field = parsed.headers[index]
        headers.append((text(field.name, field.name_len) ?? "", text(field.value, field.value_len) ?? ""))
    }
    let incoming = Request(
        method: text(parsed.method, parsed.method_len) ?? "", target: text(parsed.target, parsed.target_len) ?? "",
        headers: headers)
    switch endpoint.answer(incoming) {
    case .stream(let fields):
        // The latest snapshot goes out at once, so a reader sees figures now rather than at the next pass.
        let first = endpoint.latestEvent(fields: fields)
        let id = first.withUnsafeBufferPointer { event in
            chs_respond_stream(responder, "text/event-stream", "Cache-Control: no-store\r\n", event.baseAddress, event.count)
        }
        if id > 0 { endpoint.streams.add(id, fields: fields) }
    case .response(let response, let shared):
        let responseHeaders = response.headers.map { "\($0.name): \($0.value)\r\n" }.joined()
        if let shared {
            // A cached page: the server keeps a reference to the one copy rather than copying it per response.
            chs_respond_body(responder, Int32(response.status), response.contentType,
                             responseHeaders.isEmpty ? nil : responseHeaders, shared.pointer)
            return
        }
        response.body.withUnsafeBufferPointer { body in
            chs_respond(responder, Int32(response.status), response.contentType,
                        responseHeaders.isEmpty ? nil : responseHeaders,
                        body.baseAddress, body.count)
        }
    }
}
