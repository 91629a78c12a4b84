import Foundation
import Testing

@testable import Agent

/// The C client under DashboardClient, against a loopback socket the test holds: what goes on the wire,
/// and an abort while the server never answers.
@Suite struct DashboardClientTests {
    /// A listening socket on a free loopback port; connections complete in the kernel's backlog.
    final class Listener: @unchecked Sendable {
        let fd: Int32
        let port: Int

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else { throw POSIXError(.EADDRINUSE) }
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        /// The next connection's request head and body: read until `until` has arrived (bounded). On a
        /// thread of its own: blocking a cooperative-pool thread would starve the tests running beside it.
        /// The bound is long because the request's own task may wait that long for a pool thread while the
        /// synchronous end-to-end tests hold them (seen: over 10 s under scripts/test on 2 cores).
        func accept(readingUntil until: String, seconds: Double = 90) async throws -> (fd: Int32, text: String) {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try self.blockingAccept(readingUntil: until, seconds: seconds) })
                }
            }
        }

        private func blockingAccept(readingUntil until: String, seconds: Double) throws -> (fd: Int32, text: String) {
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, Int32(seconds * 1000)) == 1 else { throw POSIXError(.ETIMEDOUT) }
            let connection = Glibc.accept(fd, nil, nil)
            var text = ""
            var buffer = [UInt8](repeating: 0, count: 4096)
            let deadline = Date().addingTimeInterval(seconds)
            while !text.contains(until) && Date() < deadline {
                var readable = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
                guard poll(&readable, 1, 1000) == 1 else { continue }
                let n = read(connection, &buffer, buffer.count)
                if n <= 0 { break }
                text += String(decoding: buffer[..<n], as: UTF8.self)
            }
            return (connection, text)
        }

        deinit { close(fd) }
    }

    func client(_ listener: Listener, timeout: Double = 300) throws -> DashboardClient {
        try DashboardClient(
            baseURL: "http://127.0.0.1:\(listener.port)", caFile: nil, verifyTLS: true, connectTimeout: 5, totalTimeout: timeout)
    }

    @Test func theRequestHeadIsTheOneLibcurlSent() async throws {
        let listener = try Listener()
        let client = try client(listener)
        let task = Task { await client.send("POST", "/agent/heartbeat", body: Array(#"{"a":1}"#.utf8), token: "tok") }
        let (connection, text) = try await listener.accept(readingUntil: #"{"a":1}"#)
        defer { close(connection) }
        let answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
        _ = answer.withCString { write(connection, $0, strlen($0)) }
        #expect(await task.value == .http(status: 200, body: "{}", retryAfter: nil))
        let expected = """
            POST /agent/heartbeat HTTP/1.1\r
            Host: 127.0.0.1:\(listener.port)\r
            User-Agent: \(DashboardClient.userAgent)\r
            Content-Type: application/json\r
            Accept: application/json\r
            Authorization: Bearer tok\r
            Content-Length: 7\r
            \r
            {"a":1}
            """
        #expect(text == expected)
    }

    @Test func abortEndsARequestTheServerNeverAnswers() async throws {
        let listener = try Listener()
        let client = try client(listener)
        // The answer's time is taken on the client's thread: the test's own task may wait seconds for a pool
        // thread while the synchronous end-to-end tests hold them (seen: 100 s under scripts/test on 2 cores).
        let task = Task {
            await client.offload { (client.sendHere("POST", "/metrics", body: Array("{}".utf8), token: nil), ContinuousClock.now) }
        }
        // Once its bytes have arrived the request is waiting for an answer that never comes.
        let (connection, _) = try await listener.accept(readingUntil: "\r\n\r\n{}")
        defer { close(connection) }
        let before = ContinuousClock.now
        client.abortRequests(true)
        let (answer, answeredAt) = await task.value
        let elapsed = answeredAt - before
        #expect(answer == .unreachable("aborted: the agent is stopping"))
        // Within milliseconds in the C client (Tests/CHTTPClientTests/client_io_test.c times that); the bound
        // leaves room for a busy machine, far below the 300 s timeout.
        #expect(elapsed < .seconds(5), "the abort took \(elapsed) against a 300 s timeout")
        // Aborted, the client refuses at once until allowed again.
        #expect(await client.send("GET", "/health", body: nil, token: nil) == .unreachable("aborted: the agent is stopping"))
    }

    @Test func aSilentServerTimesOutAtTheTotalTimeout() async throws {
        let listener = try Listener()
        let client = try client(listener, timeout: 0.3)
        // Timed on the client's thread, as above.
        let task = Task {
            await client.offload {
                let start = ContinuousClock.now
                return (client.sendHere("GET", "/health", body: nil, token: nil), ContinuousClock.now - start)
            }
        }
        let (connection, _) = try await listener.accept(readingUntil: "\r\n\r\n")
        defer { close(connection) }
        let (answer, elapsed) = await task.value
        #expect(answer == .unreachable("timed out after 300 ms"))
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(5), "timed out after \(elapsed)")
    }
}
