/// What to make of a spool found on disk at start: the position to resume from, what was damaged, and
/// what to do with each segment file. Pure: `Spool` reads the files and carries the plan out.
struct SpoolRecovery: Equatable {
    struct Found: Equatable {
        var name: String
        /// The sequence in the file's name: its first sample's.
        var first: UInt64
        var version: SpoolFormat.Version
        var parsed: SpoolFormat.Parsed
    }

    enum Action: Equatable {
        case keep
        case delete
        /// Only the end is bad (a torn last append): cut it off.
        case truncate(to: Int)
        /// Damage before good records: write the good ones again, as version 2.
        case rewrite([SpoolFormat.Record])
    }

    struct Plan: Equatable {
        var segment: Found
        var action: Action
    }

    var position: SpoolPosition
    var plans: [Plan]
    /// Samples (not yet acknowledged) that damaged records took, found by this recovery.
    var corruptSamples: UInt64 = 0
    /// Sequences (not acknowledged) that damage took out of the middle: they are not waiting any more.
    var holes: [ClosedRange<UInt64>] = []
    /// Ranges of bytes that did not read as records, found by this recovery.
    var damagedRanges = 0
    /// One phrase per damaged segment, for the log line.
    var notes: [String] = []

    /// `state` is the state file's position (nil when missing); `found` are the segments, oldest first.
    init(state: SpoolPosition?, found: [Found]) {
        position = Self.newest(state: state, found: found)
        plans = []
        let withRecords = found.indices.filter { !found[$0].parsed.records.isEmpty }
        for (index, segment) in found.enumerated() {
            let corrupt = Self.corruptSamples(in: segment, next: found.dropFirst(index + 1).first, acked: position.acked, holes: &holes)
            if !segment.parsed.damage.isEmpty {
                damagedRanges += segment.parsed.damage.count
                corruptSamples += corrupt
                let bytes = segment.parsed.damage.reduce(0) { $0 + $1.range.count }
                notes.append("\(segment.name): \(bytes) bad bytes skipped, \(corrupt) unsent samples in them")
            }
            let newest = index == withRecords.last
            let pending = segment.parsed.samples.contains { $0.sequence > position.acked }
            let action: Action
            if segment.parsed.records.isEmpty || (!pending && !newest) {
                action = .delete
            } else if segment.parsed.damage.contains(where: { !$0.isTail }) {
                action = .rewrite(segment.parsed.records)
            } else if segment.parsed.goodEnd < segment.parsed.total {
                action = .truncate(to: segment.parsed.goodEnd)
            } else {
                action = .keep
            }
            plans.append(Plan(segment: segment, action: action))
        }
        position.corrupt += corruptSamples
    }

    /// The newest position among the state file and every position record: the highest generation
    /// (the later one on a tie). Acknowledgements and counts only ever grow, so each is the largest seen.
    static func newest(state: SpoolPosition?, found: [Found]) -> SpoolPosition {
        let all = (state.map { [$0] } ?? []) + found.flatMap(\.parsed.positions)
        guard var newest = all.max(by: { $0.generation <= $1.generation }) else { return SpoolPosition() }
        newest.acked = all.map(\.acked).max() ?? 0
        newest.dropped = all.map(\.dropped).max() ?? 0
        newest.corrupt = all.map(\.corrupt).max() ?? 0
        newest.lost = all.map(\.lost).max() ?? 0
        if newest.inflight <= newest.acked { newest.inflight = 0 }
        if newest.epoch.isEmpty { newest.epoch = all.first { !$0.epoch.isEmpty }?.epoch ?? "" }
        return newest
    }

    /// Unacknowledged samples lost to the segment's damage. Sequences are consecutive (a sample that
    /// could not be written gives its number to the next), so between two good samples the gap says how
    /// many went; after the last good one, the next segment's first sequence does, and in the newest
    /// segment the sample headers in the bad bytes.
    static func corruptSamples(in segment: Found, next: Found?, acked: UInt64, holes: inout [ClosedRange<UInt64>]) -> UInt64 {
        var count: UInt64 = 0
        for damage in segment.parsed.damage {
            let floor = max(damage.before ?? (segment.first &- 1), acked)
            if let upper = damage.after ?? next?.first {
                guard upper > floor + 1 else { continue }
                count += upper - floor - 1
                holes.append(floor + 1...upper - 1)
            } else if damage.before ?? segment.first &- 1 >= acked {
                count += UInt64(damage.sampleHeaders)
            }
        }
        return count
    }
}
