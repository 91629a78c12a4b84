import API

/// node_exporter's `entropy`: the kernel random pool's entropy estimate and its size, in bits.
public final class EntropyCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "entropy", reads: ["proc/sys/kernel/random/entropy_avail", "proc/sys/kernel/random/poolsize"],
        exports: ["node_entropy_available_bits", "node_entropy_pool_size_bits"])

    public static func make(_ context: CollectorContext) -> any Collector { EntropyCollector(proc: context.roots.proc) }

    static let available = MetricDescriptor(
        "node_entropy_available_bits", .gauge, "Entropy the kernel estimates its random pool holds, in bits.")
    static let poolSize = MetricDescriptor(
        "node_entropy_pool_size_bits", .gauge, "Size of the kernel's random pool, in bits.")

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        for (descriptor, file) in [(Self.available, "entropy_avail"), (Self.poolSize, "poolsize")] {
            let path = "sys/kernel/random/" + file
            guard let bytes = try proc.readIfPresent(path) else { continue }
            samples.add(descriptor, [], try SingleNumber.parse(bytes, file: path).value)
        }
        samples.summarize("entropy_available_bits", family: "node_entropy_available_bits")
        snapshot.setSection(name, samples)
    }
}
