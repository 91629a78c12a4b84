#if canImport(Glibc)
    import Glibc
#endif
import API
import CHTTPClient
import HostMetrics
import Synchronization

/// The outgoing buffer, on disk: a sample counts as collected once it is here, and leaves only when the
/// dashboard has answered 2xx for the batch holding it.
///
/// Segment files `segment-<first sequence>.spool` hold records of [length u32][crc32 u32][56-byte sample],
/// appended and fsynced one by one, so a SIGKILL at any moment leaves at worst a torn last record, which
/// the next start recognises (short, or a bad checksum) and cuts off. A `state` file, replaced atomically,
/// says which sequence the dashboard has acknowledged through, which batch is in flight (so its batch_id
/// is the same on every retry, across restarts too), and how many samples were dropped because the spool
/// was full. Past SPOOL_MAX_BYTES the oldest segment goes, and its unsent samples are counted as dropped.
final class Spool: Sendable {
    struct Batch: Sendable, Equatable {
        var id: String
        var samples: [DashboardSample]
        var first: UInt64 { samples.first?.sequence ?? 0 }
        var last: UInt64 { samples.last?.sequence ?? 0 }
    }

    struct Status: Sendable, Equatable {
        var samples: Int
        var bytes: Int
        var oldestTime: Double?
        var dropped: UInt64
    }

    private struct Segment {
        var path: String
        var first: UInt64
        var last: UInt64
        var bytes: Int
    }

    private struct State {
        var segments: [Segment] = []
        var acked: UInt64 = 0
        var inflight: UInt64 = 0
        var dropped: UInt64 = 0
        var epoch = ""
        var nextSequence: UInt64 = 1
        var oldestPendingTime: Double?
    }

    static let recordBytes = 8 + SpoolRecord.size
    let directory: String
    private let maxBytes: Int
    private let segmentBytes: Int
    private let state = Mutex(State())

    /// Opens (creating if needed) the spool and repairs what a crash left.
    init(directory: String, maxBytes: Int) throws(DurableFile.Failure) {
        self.directory = directory
        self.maxBytes = max(maxBytes, Self.recordBytes * 8)
        // Eight segments to the spool, so the bound drops an eighth at a time, not all of it.
        segmentBytes = max(Self.recordBytes, min(256 << 10, self.maxBytes / 8 / Self.recordBytes * Self.recordBytes))
        try DurableFile.makeDirectory(directory)
        try state.withLock { (state: inout State) throws(DurableFile.Failure) in try recover(&state) }
    }

    /// Gives the next sequence number to `make`, writes its sample durably, and returns it.
    @discardableResult
    func append(_ make: (UInt64) -> DashboardSample) throws(DurableFile.Failure) -> DashboardSample {
        try state.withLock { (state: inout State) throws(DurableFile.Failure) -> DashboardSample in
            let sample = make(state.nextSequence)
            let payload = SpoolRecord.encode(sample)
            var record = Self.littleEndian(UInt32(payload.count)) + Self.littleEndian(payload.withUnsafeBytes { chc_crc32($0.baseAddress, $0.count) })
            record += payload
            if state.segments.last.map({ $0.bytes + record.count > segmentBytes }) ?? true {
                state.segments.append(
                    Segment(path: "\(directory)/segment-\(Self.padded(sample.sequence)).spool", first: sample.sequence,
                            last: sample.sequence, bytes: 0))
            }
            let path = state.segments[state.segments.count - 1].path
            let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw DurableFile.Failure(path: path, operation: "open", code: errno) }
            defer { close(descriptor) }
            try DurableFile.writeAll(descriptor, record, path: path)
            guard fdatasync(descriptor) == 0 else { throw DurableFile.Failure(path: path, operation: "fdatasync", code: errno) }
            state.segments[state.segments.count - 1].last = sample.sequence
            state.segments[state.segments.count - 1].bytes += record.count
            state.nextSequence = sample.sequence + 1
            if state.oldestPendingTime == nil { state.oldestPendingTime = sample.time }
            try enforceBound(&state)
            return sample
        }
    }

    /// The batch to send next: the one in flight if there is one (same samples, same id), else up to
    /// `limit` of the oldest unsent samples, now marked in flight.
    func nextBatch(limit: Int) throws(DurableFile.Failure) -> Batch? {
        try state.withLock { (state: inout State) throws(DurableFile.Failure) -> Batch? in
            let end = state.inflight > state.acked ? state.inflight : nil
            let samples = readPending(state, limit: end.map { Int($0 - state.acked) } ?? limit, through: end)
            guard let first = samples.first, let last = samples.last else { return nil }
            if end == nil {
                state.inflight = last.sequence
                try saveState(state)
            }
            return Batch(id: "\(state.epoch)-\(first.sequence)-\(last.sequence)", samples: samples)
        }
    }

    /// The dashboard took (or set aside) everything through `sequence`: forget it.
    func acknowledge(through sequence: UInt64) throws(DurableFile.Failure) {
        try state.withLock { (state: inout State) throws(DurableFile.Failure) in
            state.acked = max(state.acked, sequence)
            state.inflight = 0
            while let segment = state.segments.first, segment.last <= state.acked {
                unlink(segment.path)
                state.segments.removeFirst()
            }
            state.oldestPendingTime = readPending(state, limit: 1, through: nil).first?.time
            try saveState(state)
        }
    }

    var status: Status {
        state.withLock { state in
            let pending = state.nextSequence - 1 > state.acked ? Int(state.nextSequence - 1 - state.acked) : 0
            return Status(
                samples: pending, bytes: state.segments.reduce(0) { $0 + $1.bytes },
                oldestTime: pending > 0 ? state.oldestPendingTime : nil, dropped: state.dropped)
        }
    }

    // MARK: - Inside the lock

    private func enforceBound(_ state: inout State) throws(DurableFile.Failure) {
        var changed = false
        while state.segments.reduce(0, { $0 + $1.bytes }) > maxBytes, state.segments.count > 1 {
            let oldest = state.segments.removeFirst()
            unlink(oldest.path)
            if oldest.last > state.acked {
                state.dropped += oldest.last - max(oldest.first - 1, state.acked)
                state.acked = oldest.last
                if state.inflight <= state.acked { state.inflight = 0 }
            }
            changed = true
        }
        if changed {
            state.oldestPendingTime = readPending(state, limit: 1, through: nil).first?.time
            try saveState(state)
        }
    }

    private func readPending(_ state: State, limit: Int, through end: UInt64?) -> [DashboardSample] {
        var samples: [DashboardSample] = []
        for segment in state.segments where segment.last > state.acked {
            for sample in Self.records(in: DurableFile.read(segment.path) ?? []).samples where sample.sequence > state.acked {
                if let end, sample.sequence > end { return samples }
                samples.append(sample)
                if samples.count == limit { return samples }
            }
        }
        return samples
    }

    private func saveState(_ state: State) throws(DurableFile.Failure) {
        let text = "epoch \(state.epoch)\nacked \(state.acked)\ninflight \(state.inflight)\ndropped \(state.dropped)\n"
        try DurableFile.replace(directory + "/state", with: Array(text.utf8), mode: 0o600)
    }

    private func recover(_ state: inout State) throws(DurableFile.Failure) {
        for line in String(decoding: DurableFile.read(directory + "/state") ?? [], as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "epoch": state.epoch = String(parts[1])
            case "acked": state.acked = UInt64(parts[1]) ?? 0
            case "inflight": state.inflight = UInt64(parts[1]) ?? 0
            case "dropped": state.dropped = UInt64(parts[1]) ?? 0
            default: continue
            }
        }
        if state.epoch.isEmpty {
            var random = [UInt8](repeating: 0, count: 4)
            _ = chc_random_bytes(&random, random.count)
            state.epoch = random.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
        let names = ((try? FileTree(root: directory).list("")) ?? []).filter { $0.hasPrefix("segment-") && $0.hasSuffix(".spool") }.sorted()
        for name in names {
            let path = directory + "/" + name
            let (samples, goodBytes, total) = Self.records(in: DurableFile.read(path) ?? [])
            if goodBytes < total { truncate(path, off_t(goodBytes)) }  // a torn record from a crash mid-write
            guard let first = samples.first, let last = samples.last else {
                unlink(path)
                continue
            }
            if last.sequence <= state.acked {
                unlink(path)
                continue
            }
            state.segments.append(Segment(path: path, first: first.sequence, last: last.sequence, bytes: goodBytes))
            state.nextSequence = max(state.nextSequence, last.sequence + 1)
            if state.oldestPendingTime == nil {
                state.oldestPendingTime = samples.first { $0.sequence > state.acked }?.time
            }
        }
        state.nextSequence = max(state.nextSequence, state.acked + 1)
        try saveState(state)
    }

    /// The valid records at the start of a segment, and how many bytes they take.
    static func records(in bytes: [UInt8]) -> (samples: [DashboardSample], goodBytes: Int, total: Int) {
        var samples: [DashboardSample] = []
        var offset = 0
        while offset + recordBytes <= bytes.count {
            let length = Int(littleEndianValue(bytes[offset..<offset + 4]))
            let checksum = UInt32(littleEndianValue(bytes[offset + 4..<offset + 8]))
            let payload = bytes[offset + 8..<offset + 8 + SpoolRecord.size]
            guard length == SpoolRecord.size,
                payload.withUnsafeBytes({ chc_crc32($0.baseAddress, $0.count) }) == checksum,
                let sample = SpoolRecord.decode(payload)
            else { break }
            samples.append(sample)
            offset += recordBytes
        }
        return (samples, offset, bytes.count)
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    static func littleEndianValue(_ bytes: ArraySlice<UInt8>) -> UInt64 { bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
    static func padded(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}
