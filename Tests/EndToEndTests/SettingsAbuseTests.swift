import Foundation
import Testing

@testable import Agent

/// Settings as a clumsy operator writes them, through the real binary: each refused with exit 2 naming
/// the setting, the same way at start and in `--check-config`, and never a crash or a hang.
@Suite struct SettingsAbuseTests {
    static let numericKeys = SettingKey.all.filter { $0.range != nil }

    /// Values outside every numeric key's range (0 where the range starts above it), and just outside its
    /// bounds: walked from SettingKey, so a new numeric key is covered without a line more.
    static func extremes(_ key: SettingKey) -> [String] {
        var values = ["-1", "-0.001", "1e300", "1e10", "nan", "inf", "-inf", "lots", "", "9223372036854775808"]
        switch key.range {
        case .seconds(let bounds)?:
            if bounds.lowerBound > 0 { values.append("0") }
            values += [String(bounds.lowerBound - 0.001), String(bounds.upperBound + 0.001)]
        case .count(let bounds)?:
            if bounds.lowerBound > 0 { values.append("0") }
            values += [String(bounds.lowerBound - 1), String(bounds.upperBound + 1), "1.5"]
        case nil:
            break
        }
        return values
    }

    static func bound(_ key: SettingKey, upper: Bool) -> String {
        switch key.range {
        case .seconds(let bounds)?: return NumberText.short(upper ? bounds.upperBound : bounds.lowerBound)
        case .count(let bounds)?: return String(upper ? bounds.upperBound : bounds.lowerBound)
        case nil: return key.defaultValue
        }
    }

    @Test(arguments: numericKeys)
    func everyExtremeExits2NamingTheSettingAtStartAndInCheckConfig(_ key: SettingKey) throws {
        for value in Self.extremes(key) {
            for mode in [["--listen", "127.0.0.1:0"], ["--check-config", "--listen", "127.0.0.1:0"]] {
                let result = try runAgentBounded(mode, environment: [key.name: value], seconds: 10)
                #expect(!result.timedOut && !result.signaled, "\(key.name)=\(value) \(mode): \(result.stderr)")
                #expect(result.status == 2, "\(key.name)=\(value) \(mode): \(result.stderr)")
                #expect(result.stderr.contains("\(key.name)=\"\(value)\" (from environment)"), "\(result.stderr)")
            }
        }
    }

    /// The values the issue found crashing the agent (SIGILL converting a Double to an integer).
    @Test func theValuesThatCrashedExit2() throws {
        let crashing = [
            "HTTP_IDLE_TIMEOUT": "2147484", "HTTP_REQUEST_TIMEOUT": "2147484", "COLLECTION_INTERVAL": "1e10",
            "HISTORY_DURATION": "1e300", "PUSH_TIMEOUT": "1e300", "PUSH_CONNECT_TIMEOUT": "1e300",
        ]
        let receiver = try Receiver()
        for (name, value) in crashing {
            let result = try runAgentBounded(
                ["--listen", "127.0.0.1:0"], environment: ["SERVER_URL": receiver.url, name: value])
            #expect(result.status == 2 && !result.signaled, "\(name)=\(value): \(result.stderr)")
            #expect(result.stderr.contains("\(name)=\"\(value)\""), "\(result.stderr)")
        }
    }

    /// Every numeric setting at its lower bound, then at its upper bound, all at once: accepted by
    /// `--check-config`, and the agent, pushing to a receiver, serves and stops cleanly (nothing traps
    /// converting them).
    @Test(arguments: [false, true])
    func theBoundsAreAcceptedAndRun(upper: Bool) throws {
        let receiver = try Receiver()
        var environment = fixtureEnvironment.merging(["SERVER_URL": receiver.url]) { $1 }
        for key in Self.numericKeys { environment[key.name] = Self.bound(key, upper: upper) }
        let check = try runAgentBounded(["--check-config", "--listen", "127.0.0.1:0"], environment: environment)
        #expect(check.status == 0 && check.stdout.hasSuffix("configuration ok\n"), "\(check.stdout)\(check.stderr)")
        let agent = try RunningAgent(environment: environment)
        #expect(try agent.get("/api/v1/health").status == 200)
        #expect(try agent.get("/metrics").status == 200)
        #expect(try receiver.wait(seconds: 10) { ($0["registrations"] as? Int ?? 0) >= 1 }, "the push side runs too")
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
    }

    @Test(arguments: [
        "http://", "http://[::1", "http://127.0.0.1:99999/api", "http://exa mple/api", "ftp://x", "http://[::1]:0/api",
        "http://host:port/api", "http://host/api?token=x",
    ])
    func aBadServerURLExits2NamingIt(_ url: String) throws {
        for mode in [["--listen", "127.0.0.1:0"], ["--check-config", "--listen", "127.0.0.1:0"]] {
            let result = try runAgentBounded(mode, environment: ["SERVER_URL": url])
            #expect(result.status == 2 && !result.timedOut, "\(url) \(mode): \(result.stderr)")
            #expect(result.stderr.contains("SERVER_URL=\"\(url)\" (from environment)"), "\(result.stderr)")
        }
        let flag = try runAgentBounded(["--server-url", url, "--listen", "127.0.0.1:0"])
        #expect(flag.status == 2 && flag.stderr.contains("SERVER_URL=\"\(url)\" (from --server-url)"), "\(flag.stderr)")
    }

    @Test func aBadServerURLIsQuotedWithoutItsPassword() throws {
        let result = try runAgentBounded(["--check-config"], environment: ["SERVER_URL": "http://ops:hunter22@dash:99999/api"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("SERVER_URL=\"http://ops:***@dash:99999/api\""), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter22") && !result.stdout.contains("hunter22"))
    }

    @Test func aListenAddressInUseExits2NamingIt() throws {
        let busy = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = busy.stop() }
        let address = String(busy.baseURL.dropFirst("http://".count))
        let result = try runAgentBounded(["--listen", address], environment: fixtureEnvironment)
        #expect(result.status == 2 && !result.timedOut, "\(result.stderr)")
        #expect(result.stderr.contains("LISTEN_ADDRESS \(address): "), "\(result.stderr)")
        #expect(result.stderr.contains("Address already in use"), "\(result.stderr)")
        let check = try runAgentBounded(["--check-config", "--listen", address], environment: fixtureEnvironment)
        #expect(check.status == 2 && check.stdout.contains("problem: LISTEN_ADDRESS \(address): Address already in use"))
    }

    @Test func aByteOrderMarkBeforeTheFirstLineIsIgnored() throws {
        let directory = try temporaryDirectory("bom")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "\u{FEFF}COLLECTION_INTERVAL=soon\n".write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        let bad = try runAgentBounded(["--check-config"], directory: directory)
        // The key was read as COLLECTION_INTERVAL, not as "\u{FEFF}COLLECTION_INTERVAL" (not a variable name).
        #expect(bad.status == 2 && bad.stderr.contains("COLLECTION_INTERVAL=\"soon\" (from .env line 1)"), "\(bad.stderr)")

        try "\u{FEFF}PROCESS_TOP_N=7\n".write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        let good = try runAgentBounded(
            ["--check-config", "--listen", "127.0.0.1:0"], environment: fixtureEnvironment, directory: directory)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
    }

    @Test func aFIFODirectoryOrDeviceAsEnvFileIsRefusedWithoutHanging() throws {
        let directory = try temporaryDirectory("fifo")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(mkfifo(directory + "/.env", 0o600) == 0)
        for mode in [["--listen", "127.0.0.1:0"], ["--check-config"]] {
            let fifo = try runAgentBounded(mode, directory: directory, seconds: 5)
            #expect(!fifo.timedOut, "a FIFO as .env must not hang the agent")
            #expect(fifo.status == 2 && fifo.stderr.contains(".env: not a regular file (a FIFO)"), "\(fifo.stderr)")
        }
        let named = try runAgentBounded(["--env-file", directory + "/.env"], seconds: 5)
        #expect(!named.timedOut && named.status == 2 && named.stderr.contains(directory + "/.env: not a regular file"))
        let folder = try runAgentBounded(["--env-file", directory], seconds: 5)
        #expect(folder.status == 2 && folder.stderr.contains("\(directory): not a regular file (a directory)"), "\(folder.stderr)")
        let device = try runAgentBounded(["--env-file", "/dev/zero"], seconds: 5)
        #expect(!device.timedOut && device.status == 2, "\(device.stderr)")
        #expect(device.stderr.contains("/dev/zero: not a regular file (a character device)"), "\(device.stderr)")
        let missing = try runAgentBounded(["--env-file", directory + "/absent"], seconds: 5)
        #expect(missing.status == 2 && missing.stderr.contains("/absent: cannot read"), "\(missing.stderr)")
    }
}
