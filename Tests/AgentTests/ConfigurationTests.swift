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

    @Test func aBadValueNamesItsVariableAndSource() throws {
        var loader = SettingsLoader()
        loader.dotEnv = try DotEnv.parse("\nPROCESS_TOP_N=lots\n", file: ".env")
        #expect(throws: ConfigurationError(
            key: "PROCESS_TOP_N", source: ".env line 2", value: "lots", reason: "expected a whole number from 1 to 1000")) {
            try loader.load()
        }
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
