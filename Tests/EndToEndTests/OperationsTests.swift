import Foundation
import Testing

/// What operators run around the agent: `--check-config` before enabling the service, STATE_DIR for where
/// state lives, and the console log's stream.
@Suite struct OperationsTests {
    @Test func checkConfigPassesWithAReachableDashboard() throws {
        let receiver = try Receiver()
        let result = try runAgent(["--check-config", "--listen", "127.0.0.1:0"], environment: fixtureEnvironment.merging(["SERVER_URL": receiver.url]) { $1 })
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("ok: dashboard \(receiver.url)/health answers 200"), "\(result.stdout)")
        let count = try documentedCollectorNames().count
        #expect(result.stdout.contains("ok: \(count) of \(count) collectors read the host"), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("configuration ok\n"))
        #expect(try receiver.state()["registrations"] as? Int == 0, "a check registers nothing")
    }

    /// A textfile that would be refused is a problem to fix before enabling the service.
    @Test func checkConfigReadsTheTextfiles() throws {
        let directory = NSTemporaryDirectory() + "shelteragent-textfile-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "jobs 1\n".write(toFile: directory + "/good.prom", atomically: true, encoding: .utf8)
        let environment = fixtureEnvironment.merging(["TEXTFILE_DIRECTORY": directory]) { $1 }
        let good = try runAgent(["--check-config", "--listen", "127.0.0.1:0"], environment: environment)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("ok: TEXTFILE_DIRECTORY \(directory): 1 file(s) read\n"), "\(good.stdout)")
        try "jobs{a=\"1\"} one\n".write(toFile: directory + "/bad.prom", atomically: true, encoding: .utf8)
        let bad = try runAgent(["--check-config", "--listen", "127.0.0.1:0"], environment: environment)
        #expect(bad.status == 2, "\(bad.stdout)\(bad.stderr)")
        #expect(
            bad.stdout.contains("problem: TEXTFILE_DIRECTORY \(directory): \(directory)/bad.prom: line 1: expected a float as value"),
            "\(bad.stdout)")
    }

    @Test func checkConfigNamesEveryProblemAndExits2() throws {
        // A port in use, a dashboard that is not there, a /proc that is not there.
        let busy = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = busy.stop() }
        let address = String(busy.baseURL.dropFirst("http://".count))
        let result = try runAgent(
            ["--check-config", "--listen", address],
            environment: ["SERVER_URL": "http://127.0.0.1:9", "PUSH_CONNECT_TIMEOUT": "1", "PROC_ROOT": "/nonexistent"])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("problem: LISTEN_ADDRESS \(address): Address already in use"), "\(result.stdout)")
        #expect(result.stdout.contains("problem: SERVER_URL http://127.0.0.1:9: unreachable"), "\(result.stdout)")
        #expect(result.stdout.contains("problem: collector cpu: /nonexistent/stat: No such file or directory"), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("problem(s)\n"))

        let badValue = try runAgent(["--check-config"], environment: ["SEND_INTERVAL": "often"])
        #expect(badValue.status == 2 && badValue.stderr.contains("SEND_INTERVAL=\"often\" (from environment)"))
    }

    @Test func stateLivesInStateDirAndSettingsAreReadFromIt() throws {
        let receiver = try Receiver()
        let state = try temporaryDirectory("state") + "/nested"
        let work = try temporaryDirectory("work")
        defer { try? FileManager.default.removeItem(atPath: state); try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try "AGENT_HOSTNAME=from-state-dir\n".write(toFile: state + "/.env", atomically: true, encoding: .utf8)
        var environment = pushEnvironment(receiver, ["STATE_DIR": state, "LOG_FILE": "agent.log"])
        environment["AGENT_HOSTNAME"] = nil
        let agent = try RunningAgent(environment: environment, directory: work)
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.count ?? 0 >= 1 })
        _ = agent.stop()
        let agents = try #require(try receiver.state()["agents"] as? [String: [String: Any]])
        #expect(agents.first?.value["hostname"] as? String == "from-state-dir", "the .env in STATE_DIR was read")
        let env = try String(contentsOfFile: state + "/.env", encoding: .utf8)
        #expect(env.contains("AGENT_HOSTNAME=from-state-dir\n") && env.contains("API_TOKEN="), "\(env)")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: state))
        #expect(names.isSuperset(of: [".env", "spool", "agent.log"]), "\(names)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work).isEmpty, "nothing left in the working directory")
    }

    @Test func theConsoleLogGoesWhereLogConsoleSays() throws {
        let toStdout = try runAgent(["--once", "--collection-interval", "0.1"], environment: fixtureEnvironment.merging(["LOG_CONSOLE": "stdout", "LOG_LEVEL": "debug", "PROC_ROOT": "/nonexistent"]) { $1 })
        #expect(toStdout.stdout.contains(" - collector - WARNING - collector cpu started failing"), "\(toStdout.stdout)")
        #expect(toStdout.stderr.isEmpty, "\(toStdout.stderr)")
        let nowhere = try runAgent(["--once", "--collection-interval", "0.1"], environment: ["LOG_CONSOLE": "none", "PROC_ROOT": "/nonexistent"])
        #expect(!nowhere.stdout.contains("WARNING") && nowhere.stderr.isEmpty, "\(nowhere.stdout)\(nowhere.stderr)")
        let wrong = try runAgent([], environment: ["LOG_CONSOLE": "syslog"])
        #expect(wrong.status == 2 && wrong.stderr.contains("LOG_CONSOLE=\"syslog\" (from environment): expected one of stderr, stdout, none"), "\(wrong.stderr)")
    }
}
