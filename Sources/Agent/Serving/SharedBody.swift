import CHTTPServer

/// A response body the C server sends by reference: made once per cached page, so any number of
/// connections and HTTP/2 streams waiting to send it share one copy (the server holds its own reference
/// for as long as a response still needs it, which may outlive the cache's).
final class SharedBody: @unchecked Sendable {
    // @unchecked: the C body is immutable once made and its reference count is atomic.
    let pointer: OpaquePointer

    init(_ bytes: [UInt8]) {
        let made = bytes.withUnsafeBufferPointer { chs_body_new($0.baseAddress, $0.count) }
        guard let made else { fatalError("out of memory keeping a response body") }
        pointer = made
    }

    deinit { chs_body_release(pointer) }
}
