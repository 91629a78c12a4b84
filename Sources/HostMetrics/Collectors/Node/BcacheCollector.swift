import API

/// node_exporter's `bcache` (without its opt-in priority stats): per cache set (/sys/fs/bcache/<uuid>)
/// its btree and journal figures, per backing device its dirty data, writeback rate and lifetime hit and
/// miss counts, per cache device its errors and bytes written.
public final class BcacheCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "bcache", recheckWhenAbsent: 60,
        reads: [
            "sys/fs/bcache/*-*/*", "sys/fs/bcache/*-*/internal/*", "sys/fs/bcache/*-*/bdev*/{dirty_data,writeback_rate_debug}",
            "sys/fs/bcache/*-*/bdev*/stats_total/*", "sys/fs/bcache/*-*/cache*/{io_errors,metadata_written,written}",
        ],
        exports: ["node_bcache_*"])

    public static func make(_ context: CollectorContext) -> any Collector { BcacheCollector(sys: context.roots.sys) }

    static func family(_ suffix: String, _ type: MetricType, _ help: String, _ labels: [String]) -> MetricDescriptor {
        MetricDescriptor("node_bcache_" + suffix, type, help, labels: labels)
    }

    /// (file below the set, family, scale); btree_read_average_duration_us is scaled as node_exporter
    /// scales it (×10⁻⁹, as if it were nanoseconds), so dashboards built on it read the same.
    static let setFiles: [(file: String, descriptor: MetricDescriptor, scale: Double)] = [
        ("average_key_size", family("average_key_size_sectors", .gauge, "Average key size, in sectors.", ["uuid"]), 1),
        ("btree_cache_size", family("btree_cache_size_bytes", .gauge, "Memory the btree cache uses, in bytes.", ["uuid"]), 1),
        ("cache_available_percent", family("cache_available_percent", .gauge, "Percentage of the cache without dirty data.", ["uuid"]), 1),
        ("congested", family("congested", .gauge, "How congested the cache is.", ["uuid"]), 1),
        ("root_usage_percent", family("root_usage_percent", .gauge, "Percentage of the root btree node in use.", ["uuid"]), 1),
        ("tree_depth", family("tree_depth", .gauge, "Depth of the btree.", ["uuid"]), 1),
        ("internal/active_journal_entries", family("active_journal_entries", .gauge, "Journal entries newer than the index.", ["uuid"]), 1),
        ("internal/btree_nodes", family("btree_nodes", .gauge, "Nodes in the btree.", ["uuid"]), 1),
        ("internal/btree_read_average_duration_us", family("btree_read_average_duration_seconds", .gauge, "Average btree read time.", ["uuid"]), 1e-9),
        ("internal/cache_read_races", family("cache_read_races_total", .counter, "Reads that raced with a bucket being reused.", ["uuid"]), 1),
    ]

    static let dirtyData = family("dirty_data_bytes", .gauge, "Dirty data of the backing device in the cache, in bytes.", ["backing_device", "uuid"])
    /// writeback_rate_debug line → family.
    static let writeback: [(line: String, descriptor: MetricDescriptor)] = [
        ("target:", family("dirty_target_bytes", .gauge, "Dirty data the writeback aims for, in bytes.", ["backing_device", "uuid"])),
        ("rate:", family("writeback_rate", .gauge, "Current writeback rate, in bytes per second.", ["backing_device", "uuid"])),
        ("proportional:", family("writeback_rate_proportional_term", .gauge, "Proportional term of the writeback rate controller.", ["backing_device", "uuid"])),
        ("integral:", family("writeback_rate_integral_term", .gauge, "Integral term of the writeback rate controller.", ["backing_device", "uuid"])),
        ("change:", family("writeback_change", .gauge, "Last change of the writeback rate.", ["backing_device", "uuid"])),
    ]
    /// stats_total file → family.
    static let totals: [(file: String, descriptor: MetricDescriptor)] = [
        ("bypassed", family("bypassed_bytes_total", .counter, "I/O that bypassed the cache, in bytes.", ["backing_device", "uuid"])),
        ("cache_hits", family("cache_hits_total", .counter, "Cache hits.", ["backing_device", "uuid"])),
        ("cache_misses", family("cache_misses_total", .counter, "Cache misses.", ["backing_device", "uuid"])),
        ("cache_bypass_hits", family("cache_bypass_hits_total", .counter, "Hits of I/O meant to bypass the cache.", ["backing_device", "uuid"])),
        ("cache_bypass_misses", family("cache_bypass_misses_total", .counter, "Misses of I/O meant to bypass the cache.", ["backing_device", "uuid"])),
        ("cache_miss_collisions", family("cache_miss_collisions_total", .counter, "Cache misses that raced with another insert.", ["backing_device", "uuid"])),
        ("cache_readaheads", family("cache_readaheads_total", .counter, "Readaheads.", ["backing_device", "uuid"])),
    ]
    static let cacheFiles: [(file: String, descriptor: MetricDescriptor)] = [
        ("io_errors", family("io_errors", .gauge, "Errors of the cache device (decaying).", ["cache_device", "uuid"])),
        ("metadata_written", family("metadata_written_bytes_total", .counter, "Metadata written to the cache device, in bytes.", ["cache_device", "uuid"])),
        ("written", family("written_bytes_total", .counter, "Data written to the cache device, in bytes.", ["cache_device", "uuid"])),
    ]

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        for uuid in try sys.sortedListIfPresent("fs/bcache") ?? [] where uuid.contains("-") {
            let set = "fs/bcache/" + uuid
            for (file, descriptor, scale) in Self.setFiles {
                samples.add(descriptor, [uuid], Double(try value(set + "/" + file)) * scale)
            }
            let names = try sys.sortedListIfPresent(set) ?? []
            for bdev in FileTree.numbered(names, prefix: "bdev") {
                let directory = set + "/" + bdev
                samples.add(Self.dirtyData, [bdev, uuid], try value(directory + "/dirty_data"))
                let debug = try Self.writebackRateDebug(try sys.read(directory + "/writeback_rate_debug"), file: sys.path(directory + "/writeback_rate_debug"))
                for (line, descriptor) in Self.writeback { samples.add(descriptor, [bdev, uuid], debug[line] ?? 0) }
                for (file, descriptor) in Self.totals {
                    samples.add(descriptor, [bdev, uuid], try value(directory + "/stats_total/" + file))
                }
            }
            for cache in FileTree.numbered(names, prefix: "cache") {
                for (file, descriptor) in Self.cacheFiles {
                    samples.add(descriptor, [cache, uuid], try value(set + "/" + cache + "/" + file))
                }
            }
        }
        snapshot.setSection(name, samples)
    }

    /// A value file: 0 when the kernel does not write it, as procfs reads these.
    private func value(_ relative: String) throws -> UInt64 {
        guard let bytes = try sys.readIfPresent(relative) else { return 0 }
        let text = ByteFields.text(bytes.last == ByteFields.newline ? bytes.dropLast() : bytes[...])
        guard let value = BcacheValue.unsigned(text) else {
            throw ParseError(file: sys.path(relative), line: 1, reason: "expected a number or size", text: text)
        }
        return value
    }

    /// `rate:\t1.1M/sec`, `dirty:\t20.4G`, `proportional:\t-1.1M`, … → each line's value (signed where
    /// the controller's terms can be negative).
    static func writebackRateDebug(_ bytes: [UInt8], file: String) throws(ParseError) -> [String: Double] {
        var values: [String: Double] = [:]
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            let fields = ByteFields.fields(line).map { ByteFields.text($0) }
            guard let key = fields.first, let last = fields.last, fields.count >= 2 else { return true }
            let value: Double?
            switch key {
            case "rate:": value = BcacheValue.unsigned(String(last.trimmingSuffix("/sec"))).map { Double($0) }
            case "dirty:", "target:": value = BcacheValue.unsigned(last).map { Double($0) }
            case "proportional:", "integral:": value = BcacheValue.signed(last).map { Double($0) }
            case "change:": value = BcacheValue.signed(String(last.trimmingSuffix("/sec"))).map { Double($0) }
            default: return true
            }
            guard let value else {
                failure = ParseError(file: file, line: 0, reason: "expected a size for \(key)", text: ByteFields.text(line))
                return false
            }
            values[key] = value
            return true
        }
        if let failure { throw failure }
        return values
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self[...]
    }
}
