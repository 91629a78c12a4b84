import Testing

@testable import Agent

@Suite struct DotEnvTests {
    @Test func parsesCommentsExportsAndQuotes() throws {
        let text = """
            # the dashboard
            SERVER_URL=http://localhost:8000/api
            export API_TOKEN="abc def" # quoted
            LOG_LEVEL = debug # trailing comment
            AGENT_HOSTNAME='web-1'

            EMPTY=
            """
        let env = try DotEnv.parse(text, file: ".env")
        #expect(env.entries.map(\.key) == ["SERVER_URL", "API_TOKEN", "LOG_LEVEL", "AGENT_HOSTNAME", "EMPTY"])
        #expect(env.value("API_TOKEN")?.value == "abc def")
        #expect(env.value("LOG_LEVEL")?.value == "debug")
        #expect(env.value("AGENT_HOSTNAME")?.value == "web-1")
        #expect(env.value("EMPTY")?.value == "")
        #expect(env.value("LOG_LEVEL")?.line == 4)
    }

    @Test func aBadLineIsNamedByNumber() {
        #expect(throws: ConfigurationError(key: nil, source: ".env line 2", value: "", reason: "expected KEY=value")) {
            try DotEnv.parse("A=1\nnot a setting\n", file: ".env")
        }
        #expect(throws: ConfigurationError.self) { try DotEnv.parse("1A=x", file: ".env") }
        #expect(throws: ConfigurationError.self) { try DotEnv.parse("A=\"open", file: ".env") }
    }
}

@Suite struct SettingsLoaderTests {
    @Test func flagsBeatEnvironmentBeatEnvFileBeatDefaults() throws {
        var loader = SettingsLoader()
        loader.dotEnv = try DotEnv.parse("COLLECTION_INTERVAL=2\nSEND_INTERVAL=20\nLOG_LEVEL=debug\n", file: ".env")
        loader.environment = ["COLLECTION_INTERVAL": "1", "SEND_INTERVAL": "15"]
        loader.flags = ["COLLECTION_INTERVAL": ("0.5", "--collection-interval")]
        let settings = try loader.load()
        #expect(settings.collectionInterval == 0.5)
        #expect(settings.sendInterval == 15)
        #expect(settings.logLevel == .debug)
        #expect(settings.heartbeatInterval == 10)
        #expect(settings.listen == ListenAddress(host: "127.0.0.1", port: 9110))
        #expect(settings.historyCapacity == 7200)
    }

    /// Prometheus, vmagent and Grafana Alloy scrape every minute by default. An idle timeout of a minute or
    /// less closes their connection between scrapes, and then a scrape over HTTPS is a new TLS handshake,
    /// whose code keeps 1.6 MiB more of libcrypto resident (Tests/Bench/tls_memory.py --interval 60: 4.3 MiB
    /// more RSS than cleartext with a 60 s timeout, 2.3 MiB with 90 s).
    @Test func theDefaultIdleTimeoutOutlastsAOneMinuteScrapeInterval() throws {
        let settings = try SettingsLoader().load()
        #expect(settings.idleTimeout >= 90)
    }

    @Test func aBadValueNamesItsVariableAndSource() throws {
        var loader = SettingsLoader()
        loader.dotEnv = try DotEnv.parse("\nPROCESS_TOP_N=lots\n", file: ".env")
        #expect(throws: ConfigurationError(
            key: "PROCESS_TOP_N", source: ".env line 2", value: "lots", reason: "expected a whole number from 1 to 1000")) {
            try loader.load()
        }
    }

    /// node_exporter's --no-collector.NAME: names from the registry, anything else refused by name.
    @Test func disabledCollectorsAreCheckedAgainstTheRegistry() throws {
        var loader = SettingsLoader()
        loader.environment = ["DISABLED_COLLECTORS": " netstat, timex ,"]
        #expect(try loader.load().disabledCollectors == ["netstat", "timex"])
        loader.environment = ["DISABLED_COLLECTORS": "netstat,gpu"]
        #expect(throws: ConfigurationError.self) { try loader.load() }
        do {
            _ = try loader.load()
        } catch {
            #expect(error.key == "DISABLED_COLLECTORS" && error.reason.contains("\"gpu\""))
        }
        loader.environment = [:]
        #expect(try loader.load().disabledCollectors.isEmpty)
    }

    @Test func theTLSCertificateAndKeyGoTogether() throws {
        var loader = SettingsLoader()
        #expect(try loader.load().tls == nil)
        loader.environment = ["HTTP_TLS_CERT_FILE": "/etc/agent/cert.pem"]
        #expect(throws: ConfigurationError(
            key: "HTTP_TLS_KEY_FILE", source: "default", value: "",
            reason: "HTTP_TLS_CERT_FILE and HTTP_TLS_KEY_FILE go together: set both or neither")) { try loader.load() }
        loader.environment = ["HTTP_TLS_KEY_FILE": "/etc/agent/key.pem"]
        #expect(throws: ConfigurationError.self) { try loader.load() }
        loader.environment = ["HTTP_TLS_CLIENT_CA_FILE": "/etc/agent/clients.pem"]
        #expect(throws: ConfigurationError(
            key: "HTTP_TLS_CLIENT_CA_FILE", source: "environment", value: "/etc/agent/clients.pem",
            reason: "needs HTTP_TLS_CERT_FILE and HTTP_TLS_KEY_FILE")) { try loader.load() }
        loader.environment = [
            "HTTP_TLS_CERT_FILE": "/etc/agent/cert.pem", "HTTP_TLS_KEY_FILE": "/etc/agent/key.pem",
            "HTTP_TLS_CLIENT_CA_FILE": "/etc/agent/clients.pem",
        ]
        #expect(try loader.load().tls == TLSFiles(
            certFile: "/etc/agent/cert.pem", keyFile: "/etc/agent/key.pem", clientCAFile: "/etc/agent/clients.pem"))
    }

    @Test func listenAddresses() {
        #expect(ListenAddress.parse("127.0.0.1:9110") == ListenAddress(host: "127.0.0.1", port: 9110))
        #expect(ListenAddress.parse("[::1]:80") == ListenAddress(host: "::1", port: 80))
        #expect(ListenAddress.parse(":9110") == ListenAddress(host: "::", port: 9110))
        #expect(ListenAddress.parse("::1:80") == nil)
        #expect(ListenAddress.parse("host") == nil)
        #expect(ListenAddress.parse("host:99999") == nil)
        #expect(ListenAddress(host: "::1", port: 1).isLoopback && !ListenAddress(host: "::", port: 1).isLoopback)
    }

    @Test func pythonStyleLogLevelsAreAccepted() throws {
        var loader = SettingsLoader()
        loader.environment = ["LOG_LEVEL": "WARN"]
        #expect(try loader.load().logLevel == .warning)
    }
}

/// Every numeric setting, walked from `SettingKey.all`: a key added with a range is covered here without
/// a line more.
@Suite struct SettingRangeTests {
    static let numericKeys = SettingKey.all.filter { $0.range != nil }

    /// Values no numeric setting takes, whatever its range.
    static let alwaysBad = ["-1", "-0.5", "1e300", "1e10", "9223372036854775808", "nan", "inf", "-inf", "0x10", "lots", "", "5s", "1,5"]

    /// What lies just outside the key's range, and its bounds (which are inside).
    static func outside(_ range: SettingRange) -> [String] {
        switch range {
        case .seconds(let bounds): return [String(bounds.lowerBound - 0.001), String(bounds.upperBound + 0.001)]
        case .count(let bounds): return [String(bounds.lowerBound - 1), String(bounds.upperBound + 1)]
        }
    }

    static func bounds(_ range: SettingRange) -> [String] {
        switch range {
        case .seconds(let bounds): return [String(bounds.lowerBound), String(bounds.upperBound)]
        case .count(let bounds): return [String(bounds.lowerBound), String(bounds.upperBound)]
        }
    }

    @Test func thereAreNumericKeys() {
        #expect(Self.numericKeys.count >= 20)
        #expect(Self.numericKeys.contains(.idleTimeout) && Self.numericKeys.contains(.pushConnectTimeout))
    }

    @Test(arguments: numericKeys)
    func aValueOutsideTheRangeNamesTheKey(_ key: SettingKey) throws {
        let range = try #require(key.range)
        for value in Self.alwaysBad + Self.outside(range) {
            var loader = SettingsLoader()
            loader.environment = [key.name: value]
            do {
                _ = try loader.load()
                Issue.record("\(key.name)=\(value) was accepted")
            } catch {
                #expect(error.key == key.name && error.source == "environment", "\(error)")
                #expect(error.reason == range.expectation)
            }
        }
        for value in Self.bounds(range) {
            var loader = SettingsLoader()
            loader.environment = [key.name: value]
            #expect(throws: Never.self, "\(key.name)=\(value) is in range") { try loader.load() }
        }
    }

    /// The bounds keep every conversion the agent makes in range: seconds to Int32 milliseconds (the C
    /// server), to Int64 nanoseconds (the sampler), counts to Int32 (the C server's limits).
    @Test(arguments: numericKeys)
    func theUpperBoundFitsTheTypesItEndsUpIn(_ key: SettingKey) throws {
        switch try #require(key.range) {
        case .seconds(let bounds):
            #expect(bounds.upperBound * 1000 < Double(Int32.max))
            #expect(bounds.upperBound <= 86_400, "intervals and timeouts are at most a day")
        case .count(let bounds):
            #expect(bounds.upperBound <= Int(Int32.max))
        }
    }

    @Test func zeroIsRefusedWhereItMeansNothing() throws {
        for key in [SettingKey.collectionInterval, .sendInterval, .pushTimeout, .idleTimeout, .processTopN] {
            var loader = SettingsLoader()
            loader.dotEnv = try DotEnv.parse("\(key.name)=0\n", file: ".env")
            #expect(throws: ConfigurationError.self, "\(key.name)=0") { try loader.load() }
        }
        var loader = SettingsLoader()
        loader.environment = ["SHUTDOWN_FLUSH_SECONDS": "0", "HISTORY_DURATION": "0", "LOG_BACKUPS": "0"]
        let settings = try loader.load()
        #expect(settings.shutdownFlushSeconds == 0 && settings.historyCapacity == 1 && settings.logBackups == 0)
    }
}

@Suite struct DashboardURLTests {
    @Test(arguments: [
        "http://", "https://", "http://[::1", "http://[::1]x/api", "http://[zz]/api", "http://127.0.0.1:99999/api",
        "http://127.0.0.1:0/api", "http://host:/api", "http://host:8o/api", "http://exa mple/api", "http://host/a b",
        "http://host/\u{7}", "ftp://x", "x", "localhost:8000", "http://user@/api", "http://host/api?x=1",
        "http://host/api#top", "http://ho$t/api",
    ])
    func refused(_ text: String) {
        #expect(throws: DashboardURL.Problem.self, "\(text)") { try DashboardURL.parse(text) }
        var loader = SettingsLoader()
        loader.flags = ["SERVER_URL": (text, "--server-url")]
        #expect(throws: ConfigurationError.self) { try loader.load() }
    }

    @Test func accepted() throws {
        #expect(
            try DashboardURL.parse("https://user:pw@dash.example.com:8443/api")
                == DashboardURL(scheme: "https", userinfo: "user:pw", host: "dash.example.com", port: 8443, path: "/api"))
        #expect(
            try DashboardURL.parse("HTTP://[::1]:8000")
                == DashboardURL(scheme: "http", userinfo: nil, host: "[::1]", port: 8000, path: ""))
        #expect(try DashboardURL.parse("http://127.0.0.1/").path == "/")
        #expect(try DashboardURL.parse("http://[::1]/api").isLoopback)
        #expect(try !DashboardURL.parse("http://10.0.0.1/api").isLoopback)
    }

    @Test func passwordsAreMasked() {
        #expect(DashboardURL.masked("http://user:pw@host/api") == "http://user:***@host/api")
        #expect(DashboardURL.masked("https://TOKEN@host:8443") == "https://***@host:8443")
        // A password holding `/` or `@` unescaped: masked through the last `@`.
        #expect(DashboardURL.masked("http://u:p/a@ss@host/api") == "http://u:***@host/api")
        #expect(DashboardURL.masked("http://host/api") == "http://host/api")
        #expect(DashboardURL.masked("not a url") == "not a url")
    }

    @Test func aRefusedURLIsQuotedWithoutItsPassword() throws {
        var loader = SettingsLoader()
        loader.environment = ["SERVER_URL": "http://user:s3cret@host:99999/api"]
        #expect(throws: ConfigurationError(
            key: "SERVER_URL", source: "environment", value: "http://user:***@host:99999/api",
            reason: "expected a port from 1 to 65535 after the host")) { try loader.load() }
        loader.environment = ["SERVER_URL": "http://user:s3/cret@host/api"]
        do {
            _ = try loader.load()
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains("s3") && !error.description.contains("cret"), "\(error)")
        }
    }
}

@Suite struct SettingTextTests {
    @Test func aByteOrderMarkIsNotPartOfTheFirstKey() throws {
        let env = try DotEnv.parse("\u{FEFF}LOG_LEVEL=debug\nAPI_TOKEN=x\n", file: ".env")
        #expect(env.value("LOG_LEVEL")?.value == "debug" && env.value("LOG_LEVEL")?.line == 1)
        #expect(TokenStore.replacingToken(in: "\u{FEFF}API_TOKEN=old\nA=1\n", with: "new") == "\u{FEFF}API_TOKEN=new\nA=1\n")
    }

    @Test func controlCharactersAreEscaped() {
        #expect(LogText.escaped("plain text, é and 日本") == "plain text, é and 日本")
        #expect(LogText.escaped("a\nb\rc\td") == "a\\nb\\rc\\td")
        #expect(LogText.escaped("\u{1B}[31m\u{7F}\u{85}\u{2028}") == "\\x1B[31m\\x7F\\x85\\u{2028}")
        let error = ConfigurationError(key: "AGENT_HOSTNAME", source: "environment", value: "a\nforged", reason: "r")
        #expect(!error.description.contains("\n"))
    }
}
