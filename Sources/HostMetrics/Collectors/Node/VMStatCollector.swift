import API

/// node_exporter's `vmstat`: the /proc/vmstat fields its default `--collector.vmstat.fields` selects
/// (page faults, paging and swapping, OOM kills), untyped as node_exporter leaves them.
public final class VMStatCollector: RegisteredCollector {
    public static let info = CollectorInfo(name: "vmstat", reads: ["proc/vmstat"], exports: ["node_vmstat_*"])

    public static func make(_ context: CollectorContext) -> any Collector { VMStatCollector(proc: context.roots.proc) }

    private let proc: KeptFiles
    /// One descriptor per field name, made once: the names do not change while the kernel runs.
    private var descriptors: [String: MetricDescriptor] = [:]

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let vmstat = try VMStat.parse(try proc.read("vmstat"), keeping: Self.isDefaultField)
        var samples = MetricSamples()
        for field in vmstat.fields {
            samples.add(descriptor(field.name), [], field.value)
        }
        samples.summarize("oom_kills_total", family: "node_vmstat_oom_kill")
        samples.summarize("major_page_faults_total", family: "node_vmstat_pgmajfault")
        snapshot.setSection(name, samples)
    }

    /// node_exporter's default regex `^(oom_kill|pgpg|pswp|pg.*fault).*`, spelled out: it is anchored at
    /// the start only, so each alternative is a prefix, and `pg.*fault` is "pg, then fault somewhere after".
    static func isDefaultField(_ name: ArraySlice<UInt8>) -> Bool {
        if name.starts(with: oomKill) || name.starts(with: pswp) { return true }
        return name.starts(with: pg) && (name.starts(with: pgpg) || containsFault(name.dropFirst(2)))
    }

    static func isDefaultField(_ name: String) -> Bool { isDefaultField(Array(name.utf8)[...]) }

    private static let pg = Array("pg".utf8), oomKill = Array("oom_kill".utf8), pgpg = Array("pgpg".utf8)
    private static let pswp = Array("pswp".utf8), fault = Array("fault".utf8)

    private static func containsFault(_ bytes: ArraySlice<UInt8>) -> Bool {
        var start = bytes.startIndex
        while bytes.endIndex - start >= fault.count {
            if bytes[start...].starts(with: fault) { return true }
            start += 1
        }
        return false
    }

    private func descriptor(_ field: String) -> MetricDescriptor {
        if let known = descriptors[field] { return known }
        let made = MetricDescriptor("node_vmstat_" + field, .untyped, "/proc/vmstat field \(field).")
        descriptors[field] = made
        return made
    }
}
