#if canImport(Glibc)
    import Glibc
#endif
import CSystemCalls
import HostMetrics

/// Gives back the file pages the agent has mapped but does not use, and the heap's free pages.
///
/// Most of the agent's resident memory is file-backed: its own code and that of the libraries it loads.
/// The kernel maps code from the page cache a folio at a time and reads it ahead generously (for an
/// executable mapping, up to the disk's read_ahead_kb on each miss, 8 MiB on this project's VM, whatever
/// MADV_RANDOM says), so code that ran once, at start-up or in a rare path, keeps whole neighbourhoods
/// resident: a minute into a pull-only run 10.7 MiB of the binary's 12.6 MB of code was resident. Unmapping
/// (`MADV_DONTNEED`, which for a read-only mapping without private copies only drops page-table entries)
/// and dropping the page cache of the files only this process maps (`POSIX_FADV_DONTNEED` drops the pages
/// nobody maps; the agent's own binary, and OpenSSL where nothing else loads it) brings back only what
/// runs again. Measured here over ten minutes: a pull-only agent 17.4 → 10.1 MiB steady, a pushing one
/// over HTTPS (libcurl's client then) 26.8 → 15.9 MiB, with 6–16 major faults in all. What is released is
/// gone from memory, not just from sight: PSS, USS and a cgroup's memory fall with RSS. Files that other
/// processes map too (glibc) keep their page cache, which is theirs as much as ours.
///
/// Mappings with private copies of their pages (a library's RELRO segment, written once by relocation and
/// read-only since; the binary's data) are not unmapped: that would throw what was written away. The
/// clean file pages of a writable private mapping can still go, by `MADV_PAGEOUT`, which never discards
/// data (a written page would need swap and stays): Swift puts the binary's constant data in a writable
/// segment, 1.1 of its 1.3 MiB resident clean, and releasing them saved 0.3–1.0 MiB here.
struct FilePageRelease {
    struct Outcome: Sendable, Equatable {
        var rssBeforeKiB: UInt64
        var rssAfterKiB: UInt64
        var mappings: Int
        /// The files whose page cache was dropped: dropped again in the minutes after (`dropPageCache`).
        var files: [String] = []
        /// Why nothing could be released (an unreadable smaps, a refused madvise), or nil.
        var failure: String?
    }

    /// The mappings whose resident pages can be released without losing anything: read-only, backed by a
    /// file, and holding no private copies.
    static func releasable(_ smaps: PIDSmaps) -> [PIDSmaps.Mapping] {
        smaps.mappings.filter { $0.isFileBacked && !$0.isWritable && $0.anonymousKiB == 0 && $0.rssKiB > 0 }
    }

    /// Writable private file mappings with clean pages resident (more resident than written), for
    /// `MADV_PAGEOUT`.
    static func pageable(_ smaps: PIDSmaps) -> [PIDSmaps.Mapping] {
        smaps.mappings.filter {
            $0.isFileBacked && $0.isWritable && $0.isPrivate && $0.rssKiB > $0.anonymousKiB
        }
    }

    /// The files whose page cache can go too: mapped by this process only (no mapping of theirs holds a
    /// page another process maps), and still at their path.
    static func onlyOurs(_ smaps: PIDSmaps) -> [String] {
        var shared = Set<String>(), files: [String] = []
        for mapping in smaps.mappings where mapping.isFileBacked && !mapping.isDeleted {
            if mapping.sharedKiB > 0 { shared.insert(mapping.path) }
            if !files.contains(mapping.path) { files.append(mapping.path) }
        }
        return files.filter { !shared.contains($0) }
    }

    /// Releases what `releasable` picks in this process, drops the page cache of `onlyOurs`, then trims
    /// the heap.
    static func run() -> Outcome {
        let before: PIDSmaps
        do {
            before = try readSmaps()
        } catch {
            return Outcome(rssBeforeKiB: 0, rssAfterKiB: 0, mappings: 0, failure: "/proc/self/smaps: \(error)")
        }
        let chosen = releasable(before)
        // Everything is worked out and opened first: see csc_release_file_pages for why.
        let ranges = chosen.map { csc_range(start: UInt($0.start), length: UInt($0.end - $0.start)) }
        let paths = onlyOurs(before)
        for mapping in pageable(before) {
            // A kernel before 5.4 has no MADV_PAGEOUT (EINVAL): these pages then simply stay.
            _ = madvise(UnsafeMutableRawPointer(bitPattern: UInt(mapping.start)), Int(mapping.end - mapping.start), MADV_PAGEOUT)
        }
        let failed = withOpened(paths) { csc_release_file_pages(ranges, Int32(ranges.count), $0, Int32($0.count)) }
        if failed != 0 {
            return Outcome(rssBeforeKiB: before.rssKiB, rssAfterKiB: before.rssKiB, mappings: 0,
                           failure: "madvise(MADV_DONTNEED): \(String(cString: strerror(failed)))")
        }
        csc_malloc_trim()
        let after = (try? readSmaps())?.rssKiB ?? before.rssKiB
        return Outcome(rssBeforeKiB: before.rssKiB, rssAfterKiB: after, mappings: chosen.count, files: paths, failure: nil)
    }

    /// Drops the page cache of `paths` that nobody maps. Run again in the two minutes after `run`
    /// (FilePageReleaser, at `PageCacheFollowUp`'s times): measured here, the drop right after the
    /// unmapping left 16.3 MiB of the binary cached (what the code running meanwhile had read back ahead),
    /// and the same call 5 s later took it to 6.8 MiB, the pages in use.
    static func dropPageCache(_ paths: [String]) {
        _ = withOpened(paths) { csc_release_file_pages(nil, 0, $0, Int32($0.count)) }
    }

    /// `body` with descriptors of the `paths` that open (read-only), closed after it.
    private static func withOpened<T>(_ paths: [String], _ body: ([Int32]) -> T) -> T {
        let files = paths.map { open($0, O_RDONLY | O_CLOEXEC) }.filter { $0 >= 0 }
        defer { for file in files { close(file) } }
        return body(files)
    }

    private static func readSmaps() throws -> PIDSmaps {
        try PIDSmaps.parse(try FileTree.readFile("/proc/self/smaps", maxBytes: 8 << 20))
    }
}
