import Foundation
import Testing

/// The binary's command line: configuration errors, `--once`, `--version`, and psutil agreeing with it.
@Suite struct CommandLineTests {
    @Test func aBadValueNamesTheVariableAndItsSourceAndExits2() throws {
        let fromEnvironment = try runAgent([], environment: ["COLLECTION_INTERVAL": "soon"])
        #expect(fromEnvironment.status == 2)
        #expect(fromEnvironment.stderr.contains("COLLECTION_INTERVAL=\"soon\" (from environment)"), "\(fromEnvironment.stderr)")

        let fromFlag = try runAgent(["--listen", "localhost"])
        #expect(fromFlag.status == 2 && fromFlag.stderr.contains("LISTEN_ADDRESS=\"localhost\" (from --listen)"))
    }

    @Test func aBadEnvLineIsNamedByNumberWithoutQuotingIt() throws {
        let directory = NSTemporaryDirectory() + "shelteragent-env-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "# settings\nLOG_LEVEL=debug\nAPI_TOKEN 0123secret\n".write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        let result = try runAgent([], directory: directory)
        #expect(result.status == 2)
        #expect(result.stderr.contains(".env line 3: expected KEY=value"), "\(result.stderr)")
        #expect(!result.stderr.contains("0123secret"))

        try "LOG_LEVEL=loud\n".write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        let badValue = try runAgent([], directory: directory)
        #expect(badValue.status == 2 && badValue.stderr.contains("LOG_LEVEL=\"loud\" (from .env line 1)"), "\(badValue.stderr)")
    }

    @Test func versionAndHelp() throws {
        #expect(try runAgent(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let help = try runAgent(["--help"])
        #expect(help.status == 0 && help.stdout.contains("COLLECTION_INTERVAL") && help.stdout.contains("--once"))
    }

    @Test func onceOnTheLiveHostPrintsRates() throws {
        let result = try runAgent(["--once", "--collection-interval", "0.3"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let cpu = try #require(json["cpu"] as? [String: Any])
        #expect(cpu["usage_percent"] is Double, "second pass: the rate exists")
        let network = try #require(json["network"] as? [String: Any])
        #expect(network["mbps"] is Double)
    }

    /// psutil, pointed at the same captured /proc, computes the same memory figures: on the captured
    /// meminfo, and on the same file without the fields kernels before 3.14 lack.
    @Test(arguments: ["meminfo", "meminfo-old"])
    func memoryMatchesPsutilOnTheCapturedHost(_ file: String) throws {
        let proc = NSTemporaryDirectory() + "shelteragent-proc-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: proc, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: proc) }
        try FileManager.default.copyItem(atPath: Paths.fixtureHost + "/proc/" + file, toPath: proc + "/meminfo")
        // Only meminfo is there: the other collectors fail, and memory must not mind.
        let result = try runAgent(["--once", "--collection-interval", "0.01"], environment: ["PROC_ROOT": proc])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let memory = try #require(json["memory"] as? [String: Any])
        let script = """
            import psutil, json
            psutil.PROCFS_PATH = "\(proc)"
            m = psutil.virtual_memory()
            print(json.dumps({"total": m.total, "used": m.used, "free": m.free, "available": m.available, "percent": m.percent}))
            """
        let psutil = try run("python3", ["-c", script])
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(psutil.stdout.utf8)) as? [String: Any], "\(psutil.stderr)")
        #expect(memory["total_bytes"] as? Int == expected["total"] as? Int)
        #expect(memory["used_bytes"] as? Int == expected["used"] as? Int)
        #expect(memory["free_bytes"] as? Int == expected["free"] as? Int)
        #expect(memory["available_bytes"] as? Int == expected["available"] as? Int)
        // psutil rounds to one decimal, we to two.
        #expect(abs((memory["usage_percent"] as? Double ?? -1) - (expected["percent"] as? Double ?? 0)) <= 0.05)
    }
}
