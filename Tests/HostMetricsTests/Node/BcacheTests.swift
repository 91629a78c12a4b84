import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct BcacheTests {
    @Test func fixtureTreeGivesSetBackingAndCacheFigures() throws {
        let samples = try NodeFixture.collect(BcacheCollector(sys: NodeFixture.roots("bcache").sys))
        let u = "deaddd54-c735-46d5-868e-f331c5fd7c74"
        func set(_ family: String) -> String { "node_bcache_\(family){uuid=\"\(u)\"}" }
        func bdev(_ family: String, _ device: String) -> String { "node_bcache_\(family){backing_device=\"\(device)\",uuid=\"\(u)\"}" }
        func cache(_ family: String) -> String { "node_bcache_\(family){cache_device=\"cache0\",uuid=\"\(u)\"}" }
        var expected: [String: Double] = [
            set("average_key_size_sectors"): 0, set("btree_cache_size_bytes"): 0, set("cache_available_percent"): 100,
            set("congested"): 0, set("root_usage_percent"): 0, set("tree_depth"): 0, set("active_journal_entries"): 1,
            set("btree_nodes"): 41, set("btree_read_average_duration_seconds"): 1305 * 1e-9, set("cache_read_races_total"): 0,
            // 20.4G as procfs reads it: (20 + 4/10.24) GiB.
            bdev("dirty_data_bytes", "bdev0"): 21_894_266_880, bdev("dirty_target_bytes", "bdev0"): 21_894_266_880,
            bdev("writeback_rate", "bdev0"): 1_150_976, bdev("writeback_rate_proportional_term", "bdev0"): -1_150_976,
            bdev("writeback_rate_integral_term", "bdev0"): 1_150_976, bdev("writeback_change", "bdev0"): -524_288,
            bdev("cache_hits_total", "bdev0"): 546,
            bdev("dirty_data_bytes", "bdev1"): 512, bdev("dirty_target_bytes", "bdev1"): 0, bdev("writeback_rate", "bdev1"): 4096,
            bdev("writeback_rate_proportional_term", "bdev1"): 0, bdev("writeback_rate_integral_term", "bdev1"): 0,
            bdev("writeback_change", "bdev1"): 0, bdev("bypassed_bytes_total", "bdev1"): 1_560_576,
            bdev("cache_hits_total", "bdev1"): 1000, bdev("cache_misses_total", "bdev1"): 37,
            cache("io_errors"): 0, cache("metadata_written_bytes_total"): 512, cache("written_bytes_total"): 0,
        ]
        for family in ["bypassed_bytes_total", "cache_misses_total", "cache_bypass_hits_total", "cache_bypass_misses_total",
                       "cache_miss_collisions_total", "cache_readaheads_total"] {
            expected[bdev(family, "bdev0")] = 0
        }
        for family in ["cache_bypass_hits_total", "cache_bypass_misses_total", "cache_miss_collisions_total", "cache_readaheads_total"] {
            expected[bdev(family, "bdev1")] = 0
        }
        expectSeries(samples.series, expected)
    }

    @Test func sizesReadAsProcfsReadsThem() {
        #expect(BcacheValue.unsigned("512") == 512)
        #expect(BcacheValue.unsigned("4.0k") == 4096)
        #expect(BcacheValue.unsigned("1.1M") == 1_150_976)
        #expect(BcacheValue.signed("-512k") == -524_288)
        #expect(BcacheValue.unsigned("3q") == 0, "an unknown unit makes 0, as in procfs")
        #expect(BcacheValue.unsigned("") == nil && BcacheValue.unsigned("x.yk") == nil)
    }

    @Test func noBcacheGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(BcacheCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(BcacheCollector(sys: Fixtures.host.sys)).samples.isEmpty)
    }
}
