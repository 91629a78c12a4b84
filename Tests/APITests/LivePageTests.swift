import API
import Testing

/// The live page carries the host's own text (its name, process names and command lines, mount points, CPU
/// names): every piece of it is escaped, so a process named `<script>` is text on the page, not markup.
@Suite struct LivePageTests {
    static let hostile = "<script>alert(\"x\")</script>&'"

    func page() -> String {
        var snapshot = Snapshot(sequence: 1, timestamp: 1_764_000_000, hostname: Self.hostile)
        snapshot.processes = ProcessTable(
            totalCount: 1,
            processes: [
                ProcessInfo(
                    pid: 7, startTime: 0, name: Self.hostile, user: Self.hostile, status: "sleeping", cpuPercent: 1,
                    cpuSecondsTotal: 1, memoryPercent: 1, memoryBytes: 1024, diskReadBytes: nil, diskWriteBytes: nil,
                    command: "/bin/x " + Self.hostile)
            ])
        snapshot.filesystems = FilesystemSample(filesystems: [
            Filesystem(
                device: "/dev/x", mountpoint: "/mnt/" + Self.hostile, fstype: Self.hostile, readOnly: false, sizeBytes: 100,
                freeBytes: 50, availableBytes: 50, files: 1, filesFree: 1)
        ])
        snapshot.cpu = CPUSample(
            cores: 1, usagePercent: 5, perCorePercent: [5], loadAverage: [0, 0, 0],
            perCoreTimes: [
                CPUTimes(
                    cpu: "0\"><script>", user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0,
                    guest: 0, guestNice: 0)
            ],
            kernel: KernelCounters(
                bootTimeSeconds: nil, contextSwitches: nil, forks: nil, interrupts: nil, procsRunning: nil,
                procsBlocked: nil))
        let agent = AgentInfo(version: "t", startTime: 0, collectionInterval: 5, defaultProcessLimit: 5)
        return String(decoding: LivePage.render(snapshot, agent: agent, push: nil, now: 1_764_000_000, sort: .cpu), as: UTF8.self)
    }

    @Test func everythingFromTheHostIsEscaped() {
        let html = page()
        #expect(!html.contains("<script>"), "no host text becomes markup")
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
        #expect(html.contains("data-figure=\"cpu_core_percent:0&quot;&gt;&lt;script&gt;\""))
        #expect(html.contains("<script src=\"/assets/live.js\" defer></script>"), "the page's own script, and only it")
    }
}
