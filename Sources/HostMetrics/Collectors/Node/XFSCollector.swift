import API

/// node_exporter's `xfs`: per XFS filesystem, its allocation, block mapping, directory, inode, read/
/// write and vnode operation counts from /sys/fs/xfs/<device>/stats/stats.
public final class XFSCollector: RegisteredCollector {
    public static let info = CollectorInfo(name: "xfs", recheckWhenAbsent: 60, reads: ["sys/fs/xfs/*/stats/stats"], exports: ["node_xfs_*"])

    public static func make(_ context: CollectorContext) -> any Collector { XFSCollector(sys: context.roots.sys) }

    /// (family suffix, group, index, help), in node_exporter's order.
    static let families: [(descriptor: MetricDescriptor, group: String, index: Int)] = [
        ("extent_allocation_extents_allocated_total", "extent_alloc", 0, "Extents allocated."),
        ("extent_allocation_blocks_allocated_total", "extent_alloc", 1, "Blocks allocated."),
        ("extent_allocation_extents_freed_total", "extent_alloc", 2, "Extents freed."),
        ("extent_allocation_blocks_freed_total", "extent_alloc", 3, "Blocks freed."),
        ("allocation_btree_lookups_total", "abt", 0, "Allocation B-tree lookups."),
        ("allocation_btree_compares_total", "abt", 1, "Allocation B-tree compares."),
        ("allocation_btree_records_inserted_total", "abt", 2, "Allocation B-tree records inserted."),
        ("allocation_btree_records_deleted_total", "abt", 3, "Allocation B-tree records deleted."),
        ("block_mapping_reads_total", "blk_map", 0, "Block map lookups for reads."),
        ("block_mapping_writes_total", "blk_map", 1, "Block map lookups for writes."),
        ("block_mapping_unmaps_total", "blk_map", 2, "Block unmaps (deletes)."),
        ("block_mapping_extent_list_insertions_total", "blk_map", 3, "Extent list insertions."),
        ("block_mapping_extent_list_deletions_total", "blk_map", 4, "Extent list deletions."),
        ("block_mapping_extent_list_lookups_total", "blk_map", 5, "Extent list lookups."),
        ("block_mapping_extent_list_compares_total", "blk_map", 6, "Extent list compares."),
        ("block_map_btree_lookups_total", "bmbt", 0, "Block map B-tree lookups."),
        ("block_map_btree_compares_total", "bmbt", 1, "Block map B-tree compares."),
        ("block_map_btree_records_inserted_total", "bmbt", 2, "Block map B-tree records inserted."),
        ("block_map_btree_records_deleted_total", "bmbt", 3, "Block map B-tree records deleted."),
        ("directory_operation_lookup_total", "dir", 0, "Directory lookups."),
        ("directory_operation_create_total", "dir", 1, "Directory entries created."),
        ("directory_operation_remove_total", "dir", 2, "Directory entries removed."),
        ("directory_operation_getdents_total", "dir", 3, "getdents calls."),
        ("inode_operation_attempts_total", "ig", 0, "Inode cache lookups."),
        ("inode_operation_found_total", "ig", 1, "Inode cache hits."),
        ("inode_operation_recycled_total", "ig", 2, "Inodes found being recycled."),
        ("inode_operation_missed_total", "ig", 3, "Inode cache misses."),
        ("inode_operation_duplicates_total", "ig", 4, "Inodes added to the cache twice."),
        ("inode_operation_reclaims_total", "ig", 5, "Inodes reclaimed from the cache."),
        ("inode_operation_attribute_changes_total", "ig", 6, "Inode attribute changes."),
        ("read_calls_total", "rw", 1, "Read calls."),
        ("write_calls_total", "rw", 0, "Write calls."),
        ("vnode_active_total", "vnodes", 0, "Vnodes in use."),
        ("vnode_allocate_total", "vnodes", 1, "Vnodes allocated."),
        ("vnode_get_total", "vnodes", 2, "Vnode get calls."),
        ("vnode_hold_total", "vnodes", 3, "Vnode hold calls."),
        ("vnode_release_total", "vnodes", 4, "Vnode release calls."),
        ("vnode_reclaim_total", "vnodes", 5, "Vnode reclaim calls."),
        ("vnode_remove_total", "vnodes", 6, "Vnode remove calls."),
    ].map { (MetricDescriptor("node_xfs_" + $0.0, .counter, "XFS: " + $0.3, labels: ["device"]), $0.1, $0.2) }

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        for device in try sys.sortedListIfPresent("fs/xfs") ?? [] {
            let file = "fs/xfs/\(device)/stats/stats"
            // fs/xfs/stats/stats is the all-filesystems total: no device, no stats/stats below it.
            guard sys.isDirectory("fs/xfs/\(device)/stats"), let bytes = try sys.readIfPresent(file) else { continue }
            let stats = try XFSStats.parse(bytes, file: sys.path(file))
            for (descriptor, group, index) in Self.families { samples.add(descriptor, [device], stats.count(group, index)) }
        }
        snapshot.setSection(name, samples)
    }
}
