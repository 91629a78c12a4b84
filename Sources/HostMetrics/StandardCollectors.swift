import API

/// The one list of collectors, in the order they run and their sections appear. Everything else that
/// names collectors (`collect[]`, health, `--help`, the docs' table, the tests) derives from it.
public enum StandardCollectors {
    public static let all: [any RegisteredCollector.Type] = [
        CPUCollector.self,
        MemoryCollector.self,
        FilesystemCollector.self,
        DiskIOCollector.self,
        NetworkCollector.self,
        ProcessCollector.self,
        PressureCollector.self,
        CgroupCollector.self,
        FileFDCollector.self,
        EntropyCollector.self,
        OSCollector.self,
        SELinuxCollector.self,
        TimeCollector.self,
        TimexCollector.self,
        UnameCollector.self,
        VMStatCollector.self,
        NetStatCollector.self,
        SockStatCollector.self,
        SoftnetCollector.self,
        ConntrackCollector.self,
        ARPCollector.self,
        UDPQueuesCollector.self,
        SchedstatCollector.self,
        NetClassCollector.self,
        TextfileCollector.self,
        ExporterCollector.self,
        HwmonCollector.self,
        ThermalZoneCollector.self,
        PowerSupplyClassCollector.self,
        CPUFreqCollector.self,
        ThermalThrottleCollector.self,
        EDACCollector.self,
        MDADMCollector.self,
        BondingCollector.self,
        NVMeCollector.self,
        RAPLCollector.self,
        FibreChannelCollector.self,
        InfiniBandCollector.self,
        TapeStatsCollector.self,
        NFSCollector.self,
        NFSDCollector.self,
        XFSCollector.self,
        BtrfsCollector.self,
        ZFSCollector.self,
        BcacheCollector.self,
        IPVSCollector.self,
    ]

    public static var names: [String] { all.map { $0.info.name } }

    /// Every collector but those in `disabled` (names checked by the caller against `names`); of one
    /// cadence only when `cadence` is given.
    public static func make(
        _ context: CollectorContext, disabled: Set<String> = [], cadence: CollectorCadence? = nil
    ) -> [any Collector] {
        all.filter { !disabled.contains($0.info.name) && (cadence == nil || $0.info.cadence == cadence) }
            .map { $0.make(context) }
    }

    public static func make(roots: HostRoots, processTopN: Int, scrubber: CommandLineScrubber) -> [any Collector] {
        make(CollectorContext(roots: roots, processTopN: processTopN, scrubber: scrubber))
    }
}
