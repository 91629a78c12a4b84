import API
import Testing

@testable import Agent

@Suite struct PushLogicTests {
    @Test func backoffDoublesUpToTheCapWithEqualJitterAndRetryAfterWins() {
        let policy = RetryPolicy(base: 1, cap: 8)
        #expect(policy.delay(afterFailures: 1, retryAfter: nil, random: 0) == 0.5)
        #expect(policy.delay(afterFailures: 1, retryAfter: nil, random: 0.999) < 1)
        #expect(policy.delay(afterFailures: 3, retryAfter: nil, random: 0) == 2)
        #expect(policy.delay(afterFailures: 10, retryAfter: nil, random: 1) == 8)
        #expect(policy.delay(afterFailures: 10, retryAfter: 42, random: 0) == 42)
        #expect(policy.delay(afterFailures: 1, retryAfter: 1e9, random: 0) == 3600)
    }

    @Test func answersAreClassifiedByTheProtocol() {
        #expect(Delivery(.http(status: 201, body: "", retryAfter: nil)) == .accepted)
        #expect(Delivery(.http(status: 401, body: "", retryAfter: nil)) == .unauthorized)
        #expect(Delivery(.http(status: 429, body: "", retryAfter: 5)) == .retry(reason: "HTTP 429", retryAfter: 5))
        #expect(Delivery(.http(status: 503, body: "", retryAfter: nil)) == .retry(reason: "HTTP 503", retryAfter: nil))
        #expect(Delivery(.http(status: 422, body: "bad", retryAfter: nil)) == .rejected(status: 422, body: "bad"))
        #expect(Delivery(.http(status: 302, body: "", retryAfter: nil)) == .rejected(status: 302, body: ""))
        #expect(Delivery(.unreachable("refused")) == .retry(reason: "refused", retryAfter: nil))
    }

    @Test func theTokenLineIsReplacedOrAddedAndEverythingElseKept() {
        #expect(TokenStore.replacingToken(in: "", with: "t") == "API_TOKEN=t\n")
        #expect(TokenStore.replacingToken(in: "# c\nA=1", with: "t") == "# c\nA=1\nAPI_TOKEN=t\n")
        #expect(TokenStore.replacingToken(in: "A=1\nexport API_TOKEN = old\n# API_TOKEN=x\n", with: "t")
            == "A=1\nexport API_TOKEN=t\n# API_TOKEN=x\n")
    }

    @Test func payloadsRespectTheDashboardsColumns() {
        let process = ProcessInfo(
            pid: 7, startTime: 0, name: String(repeating: "n", count: 300), user: String(repeating: "u", count: 150),
            status: "zombie", cpuPercent: 1234.567, cpuSecondsTotal: 0, memoryPercent: 0.123, memoryBytes: 1_048_576,
            diskReadBytes: nil, diskWriteBytes: 2_097_152, command: "x --password=********")
        let body = String(decoding: DashboardPayloads.services(agentId: "a", processes: [process]) ?? [], as: UTF8.self)
        #expect(body.contains("\"name\":\"\(String(repeating: "n", count: 255))\""))
        #expect(body.contains("\"user\":\"\(String(repeating: "u", count: 100))\""))
        #expect(body.contains("\"cpu_percent\":999.99") && body.contains("\"memory_percent\":0.12"))
        #expect(body.contains("\"disk_read_mb\":null") && body.contains("\"disk_write_mb\":2") && body.contains("\"status\":\"stopped\""))
        #expect(DashboardPayloads.services(agentId: "a", processes: []) == nil)

        let sample = DashboardSample(
            sequence: 1, time: 1_768_663_845.5, cpuPercent: nil, memoryPercent: 12.345, diskPercent: 1e12,
            networkMbps: -1, ioMBps: nil)
        let metrics = String(decoding: DashboardPayloads.metrics(agentId: "a", batchId: "b", samples: [sample]) ?? [], as: UTF8.self)
        #expect(!metrics.contains("\"cpu\""), "a figure that does not exist is left out, not sent as 0")
        #expect(metrics.contains("\"value\":12.35") && metrics.contains("\"value\":99999999.99") && metrics.contains("\"value\":0,"))
        #expect(metrics.contains("\"recorded_at\":\"2026-01-17T15:30:45.500Z\"") && metrics.contains("\"batch_id\":\"b\""))
    }
}
