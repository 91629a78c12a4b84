import API

/// node_exporter's `filefd`: file handles the kernel has allocated, and its limit (fs.file-max). What the
/// "file descriptors nearly exhausted" alert divides.
public final class FileFDCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "filefd", reads: ["proc/sys/fs/file-nr"], exports: ["node_filefd_allocated", "node_filefd_maximum"])

    public static func make(_ context: CollectorContext) -> any Collector { FileFDCollector(proc: context.roots.proc) }

    static let allocated = MetricDescriptor("node_filefd_allocated", .gauge, "File descriptors allocated by the kernel.")
    static let maximum = MetricDescriptor("node_filefd_maximum", .gauge, "Most file descriptors the kernel will allocate.")

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let fileNr = try FileNr.parse(try proc.read("sys/fs/file-nr"))
        var samples = MetricSamples()
        samples.add(Self.allocated, [], fileNr.allocated)
        samples.add(Self.maximum, [], fileNr.maximum)
        samples.summarize("open_files", Double(fileNr.allocated))
        samples.summarize("open_files_limit", Double(fileNr.maximum))
        snapshot.setSection(name, samples)
    }
}
