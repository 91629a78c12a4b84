import API
import Foundation
import Testing

@testable import HostMetrics

/// What the command-line scrubber masks, form by form, and what it leaves alone.
@Suite struct ScrubberTests {
    let scrubber = CommandLineScrubber()
    let m = CommandLineScrubber.mask

    @Test func masksKeyValueFlagValueAndURLPasswords() {
        #expect(
            scrubber.scrub(["app", "--password=x", "--api-key", "k", "MYSQL_PWD=y", "redis://:pw@h:6379"])
                == ["app", "--password=\(m)", "--api-key", m, "MYSQL_PWD=\(m)", "redis://:\(m)@h:6379"])
    }

    @Test func leavesOrdinaryArgumentsAlone() {
        let arguments = [
            "nginx", "-g", "daemon off;", "--config=/etc/x.conf", "https://example.com/path", "--passes=3", "--author=me",
            "--bypass-cache", "-pthread", "-pipe", "-DNAME=value", "a=b,c=d", "Content-Type: text/plain", "-uroot",
        ]
        #expect(scrubber.scrub(arguments) == arguments)
    }

    @Test func aFlagFollowedByAnotherFlagMasksNothing() {
        #expect(scrubber.scrub(["x", "--token", "--verbose"]) == ["x", "--token", "--verbose"])
        #expect(scrubber.scrub(["x", "--password", "-v"]) == ["x", "--password", "-v"])
    }

    @Test func foldsCaseAndDashesAndFindsWordsInsideLongerNames() {
        #expect(
            scrubber.scrub(["x", "--DB-Password=p", "GITHUB_TOKEN=t", "--Client-Secret", "s", "--tokens-file", "f"])
                == ["x", "--DB-Password=\(m)", "GITHUB_TOKEN=\(m)", "--Client-Secret", m, "--tokens-file", m])
    }

    @Test func keepsMultibyteTextWholeAroundWhatItMasks() {
        #expect(
            scrubber.scrub(["--pässwort=ü", "--passwörd-token=ü", "postgres://jörg:geheim@db/é", "--name=Zoë"])
                == ["--pässwort=ü", "--passwörd-token=\(m)", "postgres://jörg:\(m)@db/é", "--name=Zoë"])
    }

    /// Lowercasing the Kelvin sign gives an ASCII "k": a key holding it is still compared as Unicode.
    @Test func aKeyThatLowercasesIntoAWordIsMasked() {
        #expect(scrubber.scrub(["--TO\u{212A}EN=x"]) == ["--TO\u{212A}EN=\(m)"])
    }

    @Test func aURLWithoutAPasswordIsLeftAlone() {
        let arguments = ["https://user@example.com/a:b@c", "ftp://host:21/x", "mailto:a@b", "://"]
        #expect(scrubber.scrub(arguments) == arguments)
    }

    @Test func canBeTurnedOff() {
        #expect(CommandLineScrubber(enabled: false).scrub(["--password=x"]) == ["--password=x"])
        #expect(CommandLineScrubber(mode: .off).scrubName("x--token=y") == "x--token=y")
    }

    // Each form below leaked before: the scrubber looked at the first `=` of an argument only.

    @Test func everyKeyValueInsideOneArgument() {
        #expect(scrubber.scrub(["sh", "--mode=fast --password=x"]) == ["sh", "--mode=fast --password=\(m)"])
        #expect(scrubber.scrub(["app", "a=b,password=x"]) == ["app", "a=b,password=\(m)"])
        #expect(scrubber.scrub(["app", "--opts=a=b,token=x,c=d"]) == ["app", "--opts=a=b,token=\(m)"])
        #expect(scrubber.scrub(["app", "-Dspring.datasource.password=x"]) == ["app", "-Dspring.datasource.password=\(m)"])
        #expect(scrubber.scrub(["app", "-o", "user=me;pwd=x"]) == ["app", "-o", "user=me;pwd=\(m)"])
    }

    @Test func aURLPasswordIsMaskedBesideASensitiveQueryKey() {
        #expect(
            scrubber.scrub(["psql", "postgres://app:hunter2@db/x?sslmode=require&password=y"])
                == ["psql", "postgres://app:\(m)@db/x?sslmode=require&password=\(m)"])
        #expect(scrubber.scrub(["curl", "https://h/x?a=1&api_key=k"]) == ["curl", "https://h/x?a=1&api_key=\(m)"])
        #expect(scrubber.scrub(["psql", "postgres://app:hunter2@db/x?password=y"]) == ["psql", "postgres://app:\(m)@db/x?password=\(m)"])
    }

    @Test func shortPasswordFlags() {
        #expect(scrubber.scrub(["sshpass", "-p", "hunter2", "ssh", "host"]) == ["sshpass", "-p", m, "ssh", "host"])
        #expect(scrubber.scrub(["mysql", "-uroot", "-phunter2", "db"]) == ["mysql", "-uroot", "-p\(m)", "db"])
        #expect(scrubber.scrub(["/usr/bin/mariadb-dump", "-pX"]) == ["/usr/bin/mariadb-dump", "-p\(m)"])
        #expect(scrubber.scrub(["sshpass", "-phunter2", "ssh"]) == ["sshpass", "-p\(m)", "ssh"])
        #expect(scrubber.scrub(["gcc", "-pthread", "-pedantic"]) == ["gcc", "-pthread", "-pedantic"], "glued only where a password is")
    }

    @Test func userColonPassword() {
        #expect(scrubber.scrub(["curl", "-u", "alice:pw", "https://h"]) == ["curl", "-u", "alice:\(m)", "https://h"])
        #expect(scrubber.scrub(["curl", "--user=alice:pw"]) == ["curl", "--user=alice:\(m)"])
        #expect(scrubber.scrub(["curl", "--user", "alice:pw"]) == ["curl", "--user", "alice:\(m)"])
        #expect(scrubber.scrub(["curl", "-ualice:pw"]) == ["curl", "-ualice:\(m)"])
        #expect(scrubber.scrub(["curl", "-U", "proxy:pw", "-u", "alice"]) == ["curl", "-U", "proxy:\(m)", "-u", "alice"])
    }

    @Test func headerLines() {
        #expect(scrubber.scrub(["curl", "-H", "Authorization: Bearer x"]) == ["curl", "-H", "Authorization: \(m)"])
        #expect(scrubber.scrub(["curl", "--header=X-Api-Key: x"]) == ["curl", "--header=X-Api-Key: \(m)"])
        #expect(scrubber.scrub(["curl", "-H", "Cookie: session=abc"]) == ["curl", "-H", "Cookie: \(m)"])
        #expect(scrubber.scrub(["curl", "-H", "X-Auth-Token:abc"]) == ["curl", "-H", "X-Auth-Token:\(m)"])
        #expect(scrubber.scrub(["curl", "--proxy-header", "Proxy-Authorization: Basic eA=="]) == ["curl", "--proxy-header", "Proxy-Authorization: \(m)"])
    }

    @Test func moreSensitiveNames() {
        #expect(scrubber.scrub(["app", "--pass", "x", "--pwd=y"]) == ["app", "--pass", m, "--pwd=\(m)"])
        #expect(scrubber.scrub(["app", "--auth", "x", "--basic-auth=u:p"]) == ["app", "--auth", m, "--basic-auth=\(m)"])
        #expect(scrubber.scrub(["app", "--private-key", "k", "--passphrase=p"]) == ["app", "--private-key", m, "--passphrase=\(m)"])
        #expect(scrubber.scrub(["app", "--db.pass=x", "--pw", "y"]) == ["app", "--db.pass=\(m)", "--pw", m])
    }

    @Test func quotedKeysOfJSONAndYAML() {
        #expect(scrubber.scrub(["app", "--config={\"user\":\"me\",\"password\":\"x\"}"]) == ["app", "--config={\"user\":\"me\",\"password\":\(m)"])
        #expect(scrubber.scrub(["app", "{'api_key': 'k'}"]) == ["app", "{'api_key':\(m)"])
        #expect(scrubber.scrub(["app", "{\"name\":\"x\"}"]) == ["app", "{\"name\":\"x\"}"])
    }

    @Test func aSecretThatBeginsWithADash() {
        #expect(scrubber.scrub(["app", "--password", "-x8#k"]) == ["app", "--password", m])
        #expect(scrubber.scrub(["app", "--token", "--9f00"]) == ["app", "--token", m])
        #expect(scrubber.scrub(["sshpass", "-p", "-secret!", "ssh"]) == ["sshpass", "-p", m, "ssh"])
    }

    @Test func theProcessNameIsScrubbedToo() {
        #expect(scrubber.scrubName("worker--token=abc") == "worker--token=\(m)")
        #expect(scrubber.scrubName("redis://:pw@cache") == "redis://:\(m)@cache")
        #expect(scrubber.scrubName("nginx") == "nginx")
    }

    @Test func argsModeKeepsOnlyTheProgram() {
        let scrubber = CommandLineScrubber(mode: .arguments)
        #expect(scrubber.scrub(["/usr/bin/app", "--password=x", "file.txt"]) == ["/usr/bin/app"])
        #expect(scrubber.scrub(["postgres: alice shop 10.0.0.9(5432) idle"]) == ["postgres:"], "a setproctitle line: its first word")
        #expect(scrubber.scrub(["/opt/app--token=x"]) == ["/opt/app--token=\(m)"])
        #expect(scrubber.scrub([]) == [])
    }

    /// argv[0] is whatever a process says: with a 15-byte comm it becomes the `name` served and pushed.
    @Test func aSecretInArgv0DoesNotReachTheProcessName() throws {
        let root = FileManager.default.temporaryDirectory.path + "/scrub-\(UUID().uuidString)"
        let source = Fixtures.directory + "/host/proc"
        let odd = try Fixtures.capturedPID("odd")
        try FileManager.default.createDirectory(atPath: root + "/proc/\(odd)", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for file in ["stat", "uptime", "meminfo"] {
            try FileManager.default.copyItem(atPath: source + "/" + file, toPath: root + "/proc/" + file)
        }
        for file in ["statm", "status"] {
            try FileManager.default.copyItem(atPath: source + "/\(odd)/" + file, toPath: root + "/proc/\(odd)/" + file)
        }
        let stat = try String(contentsOfFile: source + "/\(odd)/stat", encoding: .utf8)
        let comm = try #require(stat.firstIndex(of: "("))..<(try #require(stat.lastIndex(of: ")")))
        try stat.replacingCharacters(in: comm, with: "(worker-process-").write(toFile: root + "/proc/\(odd)/stat", atomically: true, encoding: .utf8)
        try "worker-process---token=s3cr3t\u{0}--password=x\u{0}".write(toFile: root + "/proc/\(odd)/cmdline", atomically: true, encoding: .utf8)
        let collector = ProcessCollector(
            roots: HostRoots(proc: root + "/proc", sys: Fixtures.host.sys.root, rootfs: Fixtures.host.rootfs.root),
            topN: 5, scrubber: CommandLineScrubber(), ticksPerSecond: 100, pageSize: 4096)
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
        try collector.collect(into: &snapshot, at: SampleInstant(monotonic: 0, wall: 0))
        let process = try #require(snapshot.processes?.processes.first)
        #expect(process.name == "worker-process---token=\(m)")
        #expect(process.command == "worker-process---token=\(m) --password=\(m)")
    }
}
