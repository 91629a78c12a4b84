import Foundation
import Testing

/// The README's table of collectors is `shelter-agent --list-collectors`, so the documentation lists what
/// the registry holds and nothing else.
@Suite struct CollectorTableTests {
    @Test func theReadmeTableIsTheRegistry() throws {
        let listed = try runAgent(["--list-collectors"])
        #expect(listed.status == 0)
        let readme = try String(contentsOfFile: Paths.repository + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "CollectorTableTests keeps it so -->\n"))
        let end = try #require(readme.range(of: "<!-- /collectors -->"))
        #expect(String(readme[start.upperBound..<end.lowerBound]) == listed.stdout, "paste `shelter-agent --list-collectors`")
        let names = listed.stdout.split(separator: "\n").dropFirst(2).compactMap { $0.split(separator: "`").dropFirst().first }
        #expect(names.map(String.init) == (try documentedCollectorNames()))
    }
}
