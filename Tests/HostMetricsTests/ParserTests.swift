import Testing

@testable import HostMetrics

@Suite struct ParserTests {
    @Test func pidStatSplitsAtTheLastParenthesis() throws {
        let line = "4242 (a) (b) R 1 1 1 0 -1 0 0 0 0 0 123 45 0 0 20 0 3 0 999 1000 77 18446744073709551615 0\n"
        let stat = try PIDStat.parse(Array(line.utf8))
        #expect(stat.pid == 4242)
        #expect(stat.comm == "a) (b")
        #expect(stat.state == UInt8(ascii: "R"))
        #expect(stat.utimeTicks == 123 && stat.stimeTicks == 45)
        #expect(stat.numThreads == 3)
        #expect(stat.startTicks == 999)
        #expect(stat.rssPages == 77)
        #expect(!stat.isKernelThread)
    }

    @Test func pidStatTellsKernelThreadsByTheirFlag() throws {
        #expect(try PIDStat.parse(try Fixtures.bytes("host/proc/2/stat")).isKernelThread, "kthreadd")
        #expect(try !PIDStat.parse(try Fixtures.bytes("host/proc/1/stat")).isKernelThread)
        #expect(try !PIDStat.parse(try Fixtures.bytes("host/proc/\(try Fixtures.capturedPID("odd"))/stat")).isKernelThread)
    }

    @Test func pidStatRejectsATruncatedLine() {
        #expect(throws: ParseError.self) { try PIDStat.parse(Array("12 (x) S 1 1".utf8)) }
        #expect(throws: ParseError.self) { try PIDStat.parse(Array("garbage".utf8)) }
    }

    @Test func procStatReadsCPULinesAndCounters() throws {
        let text = """
            cpu  2861 0 2205 655021 344 0 25 30 0 0
            cpu0 1037 0 803 328477 17 0 9 14 0 0
            cpu3 1823 0 1402 326543 326 0 15 16 0 0
            intr 12345 1 2 3
            ctxt 408995
            btime 1764038318
            processes 7000
            procs_running 2
            procs_blocked 1
            """
        let stat = try ProcStat.parse(Array(text.utf8))
        #expect(stat.total.ticks == [2861, 0, 2205, 655021, 344, 0, 25, 30, 0, 0])
        #expect(stat.cpus.map(\.cpu) == ["0", "3"])
        #expect(stat.bootTime == 1_764_038_318)
        #expect(stat.contextSwitches == 408_995 && stat.forks == 7000 && stat.interrupts == 12345)
        #expect(stat.procsRunning == 2 && stat.procsBlocked == 1)
    }

    @Test func procStatAcceptsOldKernelsWithFourModes() throws {
        let stat = try ProcStat.parse(Array("cpu 1 2 3 4\ncpu0 1 2 3 4\n".utf8))
        #expect(stat.total.tick(3) == 4 && stat.total.tick(9) == 0)
    }

    @Test func procStatNamesTheBadLine() {
        #expect(throws: ParseError(file: "stat", line: 2, reason: "expected 4 to 10 tick counts", text: "cpu0 1 x 3 4")) {
            try ProcStat.parse(Array("cpu 1 2 3 4\ncpu0 1 x 3 4\n".utf8))
        }
    }

    @Test func memInfoScalesKilobytesAndKeepsCounts() throws {
        let info = try MemInfo.parse(Array("MemTotal: 1000 kB\nActive(file): 3 kB\nHugePages_Total: 7\n".utf8))
        #expect(info["MemTotal"] == 1_024_000)
        #expect(info["Active(file)"] == 3072)
        #expect(info["HugePages_Total"] == 7)
        #expect(info.fields.map(\.isBytes) == [true, true, false])
        #expect(info["MemAvailable"] == nil)
    }

    @Test func mountsDecodeOctalEscapes() throws {
        let mounts = try Mounts.parse(Array("/dev/sdb1 /mnt/my\\040disk ext4 ro,relatime 0 0\n".utf8))
        #expect(mounts.entries == [
            Mounts.Entry(device: "/dev/sdb1", mountpoint: "/mnt/my disk", fstype: "ext4", options: ["ro", "relatime"])
        ])
        #expect(mounts.entries[0].readOnly)
    }

    @Test func filesystemTypesKeepDeviceBackedAndZFS() {
        let types = FilesystemTypes.parse(Array("nodev\tsysfs\n\text4\nnodev\tzfs\n\txfs\n".utf8))
        #expect(types.deviceBacked == ["ext4", "xfs", "zfs"])
    }

    @Test func netDevHandlesAWideByteCountWithoutSpace() throws {
        let text = """
            Inter-|   Receive |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes ...
            eth0:12345678901 1 2 3 0 0 0 0 5 6 7 8 0 0 0 0
            """
        let dev = try NetDev.parse(Array(text.utf8))
        #expect(dev.interfaces.first?.name == "eth0")
        #expect(dev.interfaces.first?.receive[0] == 12_345_678_901)
        #expect(dev.interfaces.first?.transmit[0] == 5)
    }

    @Test func diskStatsRejectsShortLines() {
        #expect(throws: ParseError.self) { try DiskStats.parse(Array("8 0 sda 1 2 3\n".utf8)) }
    }

    @Test func pidIOAndCmdlineAndStatus() throws {
        let io = try PIDIO.parse(Array("rchar: 1\nwchar: 2\nread_bytes: 4096\nwrite_bytes: 8192\n".utf8))
        #expect(io == PIDIO(readBytes: 4096, writeBytes: 8192))
        #expect(PIDCmdline.parse(Array("ls\0-l\0\0".utf8)).arguments == ["ls", "-l"])
        #expect(PIDCmdline.parse([]).arguments.isEmpty)
        #expect(try PIDStatus.parse(Array("Name:\tx\nUid:\t1000\t0\t0\t0\n".utf8)) == PIDStatus(realUID: 1000))
        #expect(throws: ParseError.self) { try PIDStatus.parse(Array("Name:\tx\n".utf8)) }
    }

    @Test func pidStatmGivesExactResidentPages() throws {
        let odd = try Fixtures.capturedPID("odd")
        let statm = try PIDStatm.parse(try Fixtures.bytes("host/proc/\(odd)/statm")[...])
        // Captured together with status, whose VmRSS is the same figure in kB.
        let status = String(decoding: try Fixtures.bytes("host/proc/\(odd)/status"), as: UTF8.self)
        let vmRSS = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?.split(separator: " ").dropFirst().first
        #expect(vmRSS.flatMap { UInt64($0) } == statm.residentPages * 4)
        // Kernel threads have no memory map: every count is zero.
        #expect(try PIDStatm.parse(try Fixtures.bytes("host/proc/2/statm")[...]).residentPages == 0)
        #expect(throws: ParseError.self) { try PIDStatm.parse(Array("12 3\n".utf8)[...]) }
    }

    @Test func passwdFirstEntryWins() {
        let passwd = Passwd.parse(Array("root:x:0:0::/root:/bin/sh\n# c\ntoor:x:0:0::/:/bin/sh\nbob:x:1000:1000::/:/bin/sh\n".utf8))
        #expect(passwd.names == [0: "root", 1000: "bob"])
    }

    @Test func capturedFilesParse() throws {
        #expect(try ProcStat.parse(Fixtures.bytes("host/proc/stat")).cpus.count >= 1)
        #expect(try MemInfo.parse(Fixtures.bytes("host/proc/meminfo"))["MemAvailable"] != nil)
        #expect(try MemInfo.parse(Fixtures.bytes("host/proc/meminfo-old"))["MemAvailable"] == nil)
        #expect(try DiskStats.parse(Fixtures.bytes("host/proc/diskstats-lvm")).devices.contains { $0.name == "dm-0" })
        #expect(try NetDev.parse(Fixtures.bytes("host/proc/net/dev")).interfaces.contains { $0.name == "lo" })
        #expect(try Mounts.parse(Fixtures.bytes("host/proc/1/mounts")).entries.contains { $0.mountpoint == "/" })
        #expect(try LoadAvg.parse(Fixtures.bytes("host/proc/loadavg")).one >= 0)
    }
}
