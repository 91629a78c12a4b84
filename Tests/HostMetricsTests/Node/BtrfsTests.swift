import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct BtrfsTests {
    @Test func fixtureTreeGivesAllocationAndDevices() throws {
        let samples = try NodeFixture.collect(BtrfsCollector(sys: NodeFixture.roots("btrfs").sys))
        let a = "0abb23a9-579b-43e6-ad30-227ef47fcb9d", b = "7f07c59f-6136-47c8-b0d8-b6de4a1d8e12"
        func layout(_ family: String, _ type: String, _ mode: String, _ uuid: String) -> String {
            "node_btrfs_\(family){block_group_type=\"\(type)\",mode=\"\(mode)\",uuid=\"\(uuid)\"}"
        }
        expectSeries(samples.series, [
            "node_btrfs_info{label=\"fixture\",uuid=\"\(a)\"}": 1,
            "node_btrfs_global_rsv_size_bytes{uuid=\"\(a)\"}": 16_777_216,
            "node_btrfs_reserved_bytes{block_group_type=\"data\",uuid=\"\(a)\"}": 0,
            "node_btrfs_reserved_bytes{block_group_type=\"metadata\",uuid=\"\(a)\"}": 16384,
            "node_btrfs_reserved_bytes{block_group_type=\"system\",uuid=\"\(a)\"}": 0,
            layout("used_bytes", "data", "raid0", a): 808_189_952, layout("size_bytes", "data", "raid0", a): 2_147_483_648,
            layout("allocation_ratio", "data", "raid0", a): 1,
            layout("used_bytes", "metadata", "raid1", a): 933_888, layout("size_bytes", "metadata", "raid1", a): 1_073_741_824,
            layout("allocation_ratio", "metadata", "raid1", a): 2,
            layout("used_bytes", "system", "raid1", a): 16384, layout("size_bytes", "system", "raid1", a): 8_388_608,
            layout("allocation_ratio", "system", "raid1", a): 2,
            "node_btrfs_device_size_bytes{device=\"loop25\",uuid=\"\(a)\"}": 20_971_520 * 512,
            "node_btrfs_device_size_bytes{device=\"loop26\",uuid=\"\(a)\"}": 20_971_520 * 512,

            "node_btrfs_info{label=\"\",uuid=\"\(b)\"}": 1,
            "node_btrfs_global_rsv_size_bytes{uuid=\"\(b)\"}": 5_242_880,
            "node_btrfs_reserved_bytes{block_group_type=\"data\",uuid=\"\(b)\"}": 0,
            "node_btrfs_reserved_bytes{block_group_type=\"metadata\",uuid=\"\(b)\"}": 0,
            "node_btrfs_reserved_bytes{block_group_type=\"system\",uuid=\"\(b)\"}": 0,
            layout("used_bytes", "data", "raid5", b): 329_322_496, layout("size_bytes", "data", "raid5", b): 644_087_808,
            layout("allocation_ratio", "data", "raid5", b): 4.0 / 3.0,
            layout("used_bytes", "data", "raid6", b): 0, layout("size_bytes", "data", "raid6", b): 0,
            layout("allocation_ratio", "data", "raid6", b): 2,
            layout("used_bytes", "metadata", "dup", b): 1_933_312, layout("size_bytes", "metadata", "dup", b): 268_435_456,
            layout("allocation_ratio", "metadata", "dup", b): 2,
            layout("used_bytes", "system", "single", b): 16384, layout("size_bytes", "system", "single", b): 4_194_304,
            layout("allocation_ratio", "system", "single", b): 1,
            "node_btrfs_device_size_bytes{device=\"loop22\",uuid=\"\(b)\"}": 2_097_152 * 512,
            "node_btrfs_device_size_bytes{device=\"loop23\",uuid=\"\(b)\"}": 2_097_152 * 512,
            "node_btrfs_device_size_bytes{device=\"loop24\",uuid=\"\(b)\"}": 2_097_152 * 512,
            "node_btrfs_device_size_bytes{device=\"loop25p1\",uuid=\"\(b)\"}": 2_097_152 * 512,
        ])
        #expect(samples.types.values.allSatisfy { $0 == .gauge })
        #expect(BtrfsCollector.allocationRatio("raid1c3", devices: 3) == 0)
    }

    /// This VM has the btrfs module (fs/btrfs/features, captured) and no btrfs mounted.
    @Test func noBtrfsGivesAnEmptySection() throws {
        #expect(FileTree(root: Fixtures.host.sys.root).exists("fs/btrfs/features"))
        #expect(try NodeFixture.collect(BtrfsCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(BtrfsCollector(sys: Fixtures.host.sys)).samples.isEmpty)
    }
}
