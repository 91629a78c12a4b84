import HostMetrics
import Testing

@testable import Agent

/// SCRUB_COMMAND_LINES: true and false as before, and `args` for no argument list at all.
@Suite struct ScrubSettingTests {
    func load(_ value: String) throws -> CommandLineScrubber.Mode {
        var loader = SettingsLoader()
        loader.environment = ["SCRUB_COMMAND_LINES": value]
        return try loader.load().scrubCommandLines
    }

    @Test func acceptsTrueFalseAndArgs() throws {
        #expect(try load("true") == .secrets)
        #expect(try load("off") == .off)
        #expect(try load("args") == .arguments)
        #expect(try load("ARGS") == .arguments)
    }

    @Test func anythingElseNamesTheSetting() {
        #expect(throws: ConfigurationError(
            key: "SCRUB_COMMAND_LINES", source: "environment", value: "some", reason: "expected true, false or args")) {
            try load("some")
        }
    }
}
