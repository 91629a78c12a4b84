import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct ZFSTests {
    @Test func fixtureGivesKstatsPoolsDatasetsAndStates() throws {
        let samples = try NodeFixture.collect(ZFSCollector(proc: NodeFixture.roots("zfs").proc))
        var expected: [String: Double] = [
            "node_zfs_arc_hits": 8_772_612, "node_zfs_arc_misses": 604_635, "node_zfs_arc_demand_data_hits": 7_221_032,
            "node_zfs_arc_c": 1_643_176_266, "node_zfs_arc_c_min": 33_554_432, "node_zfs_arc_c_max": 8_589_934_592,
            "node_zfs_arc_size": 1_643_176_266, "node_zfs_arc_memory_throttle_count": 0,
            "node_zfs_arc_arc_meta_used": 308_005_888, "node_zfs_arc_l2_hits": 0,
            "node_zfs_abd_struct_size": 2520, "node_zfs_abd_linear_cnt": 62, "node_zfs_abd_scatter_cnt": 1211,
            "node_zfs_zil_zil_commit_count": 10, "node_zfs_zil_zil_commit_writer_count": 0,
            "node_zfs_zil_zil_itx_metaslab_normal_bytes": 0,
            "node_zfs_dmu_tx_dmu_tx_assigned": 3_532_844, "node_zfs_dmu_tx_dmu_tx_delay": 0, "node_zfs_dmu_tx_dmu_tx_error": 0,
            "node_zfs_fm_erpt_dropped": 18, "node_zfs_fm_erpt_set_failed": 0, "node_zfs_fm_fmri_set_failed": 0,
            "node_zfs_fm_payload_set_failed": 0,
            "node_zfs_zfetch_hits": 7_067_992, "node_zfs_zfetch_misses": 11, "node_zfs_zfetch_max_streams": 0,
        ]
        let io = ["nread", "nwritten", "reads", "writes", "wtime", "wlentime", "wupdate", "rtime", "rlentime", "rupdate", "wcnt", "rcnt"]
        let tank: [Double] = [1_884_160, 3_206_144, 22, 132, 7_155_162, 104_112_268, 79_210_489_694, 3_596_000_000, 101_658_860, 79_210_489_694, 0, 0]
        let backup: [Double] = [0, 8192, 0, 2, 1000, 2000, 3000, 4000, 5000, 6000, 0, 0]
        for (index, field) in io.enumerated() {
            expected["node_zfs_zpool_\(field){zpool=\"tank\"}"] = tank[index]
            expected["node_zfs_zpool_\(field){zpool=\"backup\"}"] = backup[index]
        }
        for (dataset, values) in [("tank/home", [4.0, 12302, 2, 28, 3, 3]), ("tank", [0.0, 0, 1, 512, 0, 0])] {
            for (field, value) in zip(["writes", "nwritten", "reads", "nread", "nunlinks", "nunlinked"], values) {
                expected["node_zfs_zpool_dataset_\(field){dataset=\"\(dataset)\",zpool=\"tank\"}"] = value
            }
        }
        for state in ZFSCollector.poolStates {
            expected["node_zfs_zpool_state{state=\"\(state)\",zpool=\"tank\"}"] = state == "online" ? 1 : 0
            expected["node_zfs_zpool_state{state=\"\(state)\",zpool=\"backup\"}"] = state == "degraded" ? 1 : 0
        }
        expectSeries(samples.series, expected)
        #expect(samples.types["node_zfs_zpool_state"] == .gauge)
        #expect(samples.types.filter { $0.key != "node_zfs_zpool_state" }.values.allSatisfy { $0 == .untyped })
    }

    @Test func kstatWithoutHeaderIsAnError() {
        #expect(throws: ParseError.self) { try ZFSKstat.parse(Array("hits 4 1\n".utf8), file: "arcstats") }
        #expect(throws: ParseError.self) { try ZFSKstat.parse(Array("x\nname type data\nhits 4 z\n".utf8), file: "a").counts(file: "a") }
    }

    @Test func noZFSModuleGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(ZFSCollector(proc: NodeFixture.absent.proc)).samples.isEmpty)
        #expect(try NodeFixture.collect(ZFSCollector(proc: Fixtures.host.proc)).samples.isEmpty)
    }
}
