import API
import Testing

@testable import HostMetrics

@Suite struct UnameTests {
    /// uname(2) agrees with what the kernel publishes under /proc/sys/kernel for the same names.
    @Test func currentMatchesTheKernelsOwnFiles() throws {
        func kernel(_ name: String) throws -> String {
            let bytes = try FileTree.readFile("/proc/sys/kernel/" + name)
            return String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        }
        let names = try Uname.current()
        #expect(names.sysname == (try kernel("ostype")))
        #expect(names.release == (try kernel("osrelease")))
        #expect(names.version == (try kernel("version")))
        #expect(names.nodename == (try kernel("hostname")))
        #expect(names.domainname == (try kernel("domainname")))
        #expect(!names.machine.isEmpty && !names.machine.contains("\0"))
    }

    @Test func oneSeriesWithNodeExportersLabels() {
        let names = Uname(
            sysname: "Linux", release: "6.1.0-13-amd64", version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1",
            machine: "x86_64", nodename: "web1", domainname: "(none)")
        let samples = UnameCollector.samples(names)
        #expect(samples.samples.count == 1)
        let sample = samples.samples[0]
        #expect(sample.descriptor.name == "node_uname_info" && sample.descriptor.type == .gauge && sample.value == 1)
        #expect(sample.descriptor.labels == ["domainname", "machine", "nodename", "release", "sysname", "version"])
        #expect(
            sample.labelValues == ["(none)", "x86_64", "web1", "6.1.0-13-amd64", "Linux", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1"])
    }
}
