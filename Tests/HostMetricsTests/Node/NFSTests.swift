import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct NFSTests {
    static let clientV2: [Double] = [0, 12, 3, 0, 44, 1, 70, 0, 15, 2, 1, 0, 0, 0, 0, 0, 5, 9]
    static let clientV3: [Double] = [
        0, 4_084_749, 29200, 94754, 32580, 186, 47747, 7840, 537, 3, 1090, 0, 3, 7, 3, 0, 6, 0, 61, 2, 1, 330,
    ]
    /// The fixture's 48 procedures, i·7 mod 101; procedures 48–58 count 0.
    static let clientV4: [Double] = (0..<59).map { $0 < 48 ? Double($0 * 7 % 101) : 0 }

    @Test func clientFixtureGivesEveryProcedure() throws {
        let samples = try NodeFixture.collect(NFSCollector(proc: NodeFixture.roots("nfs").proc))
        var expected: [String: Double] = [
            "node_nfs_packets_total{protocol=\"udp\"}": 0, "node_nfs_packets_total{protocol=\"tcp\"}": 18628,
            "node_nfs_connections_total": 6, "node_nfs_rpcs_total": 4_329_785, "node_nfs_rpc_retransmissions_total": 12,
            "node_nfs_rpc_authentication_refreshes_total": 4_338_291,
        ]
        for (proto, names, counts) in [("2", NFSCollector.v2, Self.clientV2), ("3", NFSCollector.v3, Self.clientV3), ("4", NFSCollector.v4, Self.clientV4)] {
            #expect(names.count == counts.count)
            for (name, count) in zip(names, counts) { expected["node_nfs_requests_total{method=\"\(name)\",proto=\"\(proto)\"}"] = count }
        }
        expectSeries(samples.series, expected)
        #expect(samples.samples.count == 6 + 18 + 22 + 59)
        #expect(samples.types.values.allSatisfy { $0 == .counter })
    }

    @Test func serverFixtureGivesNodeExportersSet() throws {
        let samples = try NodeFixture.collect(NFSDCollector(proc: NodeFixture.roots("nfs").proc))
        var expected: [String: Double] = [
            "node_nfsd_reply_cache_hits_total": 0, "node_nfsd_reply_cache_misses_total": 6,
            "node_nfsd_reply_cache_nocache_total": 18622, "node_nfsd_file_handles_stale_total": 3,
            "node_nfsd_disk_bytes_read_total": 157_286_400, "node_nfsd_disk_bytes_written_total": 72_218_880,
            "node_nfsd_server_threads": 8, "node_nfsd_read_ahead_cache_size_blocks": 32,
            "node_nfsd_read_ahead_cache_not_found_total": 11, "node_nfsd_packets_total{proto=\"udp\"}": 1,
            "node_nfsd_packets_total{proto=\"tcp\"}": 18627, "node_nfsd_connections_total": 4,
            "node_nfsd_rpc_errors_total{error=\"fmt\"}": 1, "node_nfsd_rpc_errors_total{error=\"auth\"}": 1,
            "node_nfsd_rpc_errors_total{error=\"cInt\"}": 1, "node_nfsd_server_rpcs_total": 18628,
        ]
        let v2: [Double] = [2, 69, 0, 0, 4410, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 99, 2]
        let v3: [Double] = [2, 112, 0, 2719, 111, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 27, 216, 0, 2, 1, 0]
        for (name, count) in zip(NFSCollector.v2, v2).dropFirst() { expected["node_nfsd_requests_total{method=\"\(name)\",proto=\"2\"}"] = count }
        for (name, count) in zip(NFSCollector.v3, v3).dropFirst() { expected["node_nfsd_requests_total{method=\"\(name)\",proto=\"3\"}"] = count }
        // proc4ops: operation i counts i·13 mod 997 from 3 on.
        for (name, index) in NFSDCollector.v4Operations {
            expected["node_nfsd_requests_total{method=\"\(name)\",proto=\"4\"}"] = Double(index * 13 % 997)
        }
        expectSeries(samples.series, expected)
        #expect(samples.types["node_nfsd_server_threads"] == .gauge && samples.types["node_nfsd_read_ahead_cache_size_blocks"] == .gauge)
        #expect(NFSDCollector.v4Operations.map(\.0).last == "RelLockOwner" && NFSDCollector.v4Operations.count == 33)
    }

    @Test func rpcStatsParseAndCheckTheirCounts() throws {
        let stats = try RPCStats.parse(Array("net 1 2 3 4\nproc2 2 5 6\nth 4 0 0.000 1.5\n".utf8), file: "nfs")
        #expect(try stats.values("net", count: 4) == [1, 2, 3, 4])
        #expect(try stats.values("th", count: 2) == [4, 0])
        #expect(try stats.values("rc", count: 3) == [0, 0, 0], "a missing line counts zeros")
        #expect(throws: ParseError.self) { try stats.procedures("proc2", minimum: 18) }
        #expect(try stats.procedures("proc2", minimum: 3, pad: true) == [5, 6, 0])
        #expect(throws: ParseError.self) { try RPCStats.parse(Array("net 1 x\n".utf8), file: "nfs") }
        #expect(throws: ParseError.self) { try RPCStats.parse(Array("net\n".utf8), file: "nfs") }
    }

    @Test func noNFSModuleGivesEmptySections() throws {
        for proc in [NodeFixture.absent.proc, Fixtures.host.proc] {
            #expect(try NodeFixture.collect(NFSCollector(proc: proc)).samples.isEmpty)
            #expect(try NodeFixture.collect(NFSDCollector(proc: proc)).samples.isEmpty)
        }
    }
}
