#if canImport(Glibc)
    import Glibc
#endif
import CHTTPClient
import HostMetrics

extension Spool {
    /// Reads what is on disk, carries out `SpoolRecovery`'s plan, and says once what damage cost.
    func recover(_ state: inout State) {
        let stateFile = DurableFile.read(directory + "/state").map { SpoolPosition(stateText: String(decoding: $0, as: UTF8.self)) }
        var found: [SpoolRecovery.Found] = []
        for (name, first, version) in Self.segmentNames(in: directory) {
            guard let bytes = DurableFile.read(directory + "/" + name) else {
                // Left in place, not taken for empty: an unreadable file is not proof its samples are gone.
                logger.error("cannot read spool segment \(name); it is left as it is and not sent")
                continue
            }
            let parsed = SpoolFormat.parse(bytes, version: version)
            found.append(SpoolRecovery.Found(name: name, first: first, version: version, parsed: parsed))
        }
        let recovery = SpoolRecovery(state: stateFile, found: found)
        state.position = recovery.position
        state.holes = recovery.holes
        if state.position.epoch.isEmpty {
            var random = [UInt8](repeating: 0, count: 4)
            _ = chc_random_bytes(&random, random.count)
            state.position.epoch = random.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
        for plan in recovery.plans { carryOut(plan, &state) }
        state.nextSequence = max(state.position.acked + 1, state.segments.map { max($0.first, $0.last + 1) }.max() ?? 1)
        state.oldestPendingTime = nil
        for segment in state.segments where segment.last > state.position.acked {
            let samples = SpoolFormat.parse(DurableFile.read(segment.path) ?? [], version: segment.version).samples
            state.oldestPendingTime = samples.first { $0.sequence > state.position.acked }?.time
            if state.oldestPendingTime != nil { break }
        }
        if recovery.damagedRanges > 0 {
            let summary =
                "the spool had damaged records: \(recovery.corruptSamples) unsent samples lost (counted in samples_corrupt), "
                + "every good record kept; " + recovery.notes.joined(separator: "; ")
            logger.warning("\(summary)")
        }
        persist(&state)
    }

    private func carryOut(_ plan: SpoolRecovery.Plan, _ state: inout State) {
        let found = plan.segment
        var path = directory + "/" + found.name
        var version = found.version
        var bytes = found.parsed.total
        switch plan.action {
        case .delete:
            unlink(path)
            return
        case .keep: break
        case .truncate(let length):
            if truncate(path, off_t(length)) == 0 { bytes = length }
        case .rewrite(let records):
            let rewritten = records.flatMap(SpoolFormat.encode)
            let target = Self.path(directory, found.first)
            // A version 1 file is rewritten beside itself only where no version 2 file has the name.
            if target == path || access(target, F_OK) != 0, (try? DurableFile.replace(target, with: rewritten, mode: 0o600)) != nil {
                if target != path { unlink(path) }
                (path, version, bytes) = (target, .v2, rewritten.count)
            }
        }
        let samples = found.parsed.samples
        let first = samples.first?.sequence ?? found.first
        state.segments.append(Segment(path: path, first: first, last: samples.last?.sequence ?? first - 1, bytes: bytes, version: version))
    }

    /// Segment files, oldest first: `segment-<first>.spool` (version 1) and `segment-<first>.spool2`.
    static func segmentNames(in directory: String) -> [(String, UInt64, SpoolFormat.Version)] {
        let names = (try? FileTree(root: directory).list("")) ?? []
        let segments = names.compactMap { name -> (String, UInt64, SpoolFormat.Version)? in
            guard name.hasPrefix("segment-") else { return nil }
            let rest = name.dropFirst(8)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let first = UInt64(digits) else { return nil }
            switch rest.dropFirst(digits.count) {
            case ".spool": return (name, first, .v1)
            case ".spool2": return (name, first, .v2)
            default: return nil
            }
        }
        return segments.sorted { ($0.1, $0.2 == .v1 ? 0 : 1) < ($1.1, $1.2 == .v1 ? 0 : 1) }
    }
}
