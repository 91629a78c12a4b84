#if canImport(Glibc)
    import Glibc
#endif
import API
import CHTTPClient
import HostMetrics
import Logging
import Synchronization

/// The outgoing buffer, on disk: a sample counts as collected once it is here, and leaves only when the
/// dashboard has answered 2xx for the batch holding it. Nothing leaves it unsaid: what damage took,
/// what could not be written and what the size bound dropped are each counted, logged and in health.
///
/// Segment files hold records in `SpoolFormat`, appended and fdatasynced one by one. A SIGKILL at any
/// moment leaves at worst a torn last record, cut off at the next start; bytes damaged anywhere else
/// cost only the records they hit (reading resynchronises on the next good record).
///
/// Where the acknowledged position lives: in the segments themselves. Each acknowledgement (and each
/// batch put in flight, so its batch_id stays the same across a restart) appends a position record to
/// the newest segment, every new segment begins with one, and the newest segment is kept even when all
/// its samples are acknowledged; a segment whose samples are all acknowledged is deleted, which is an
/// acknowledgement too. So the position survives exactly what the samples survive: a `state` file that
/// cannot be written (or is lost, or is stale) cannot make a restart send again what was delivered. The
/// `state` file, replaced atomically, still carries the same position for older readers and tools, and
/// at start the copy with the highest generation wins. Past SPOOL_MAX_BYTES the oldest segment goes,
/// and its unsent samples are counted as dropped.
///
/// `published` holds the figures health and /metrics read, refreshed before each change lets go of the
/// lock, so the endpoint never waits for the fdatasync an append holds that lock across.
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
        /// Unsent samples that damaged records took (found when the spool was opened).
        var corrupt: UInt64
        /// Samples that could not be written (disk full, read-only, I/O error).
        var lost: UInt64
        /// Why the spool cannot be written or read right now; nil when all is well.
        var problem: String?
    }

    struct Segment {
        var path: String
        var first: UInt64
        /// The last sample's sequence; `first - 1` while there is none.
        var last: UInt64
        var bytes: Int
        var version: SpoolFormat.Version
        /// Where reading for unsent samples starts: every record before it is acknowledged or a position.
        /// The newest segment stays until it is full (256 KiB: some 2,900 samples with their position
        /// records, four hours at the default intervals), and reading it whole for each batch made a batch
        /// cost more the longer the agent ran.
        var pendingFrom = 0
        var hasSamples: Bool { last >= first }
    }

    struct State {
        var segments: [Segment] = []
        var position = SpoolPosition()
        var nextSequence: UInt64 = 1
        var oldestPendingTime: Double?
        /// Set while segment writes fail, with `lost` as it was when they started.
        var writeFailure: (reason: String, lostBefore: UInt64)?
        var stateFileFailure: String?
        var readFailure: String?
        /// Sequences that damage took (found at start): not waiting, though not acknowledged.
        var holes: [ClosedRange<UInt64>] = []

        /// How many sequences in `range` are holes.
        func holes(in range: ClosedRange<UInt64>) -> UInt64 {
            holes.reduce(0) { count, hole in hole.overlaps(range) ? count + UInt64(hole.clamped(to: range).count) : count }
        }
    }

    let directory: String
    private let maxBytes: Int
    private let segmentBytes: Int
    let logger: Logger
    private let state = Mutex(State())
    private let published = Mutex(Status(samples: 0, bytes: 0, oldestTime: nil, dropped: 0, corrupt: 0, lost: 0, problem: nil))

    /// Opens (creating if needed) the spool and repairs what a crash or damage left.
    init(directory: String, maxBytes: Int, logger: Logger = Logger(label: "spool")) throws(DurableFile.Failure) {
        self.directory = directory
        self.logger = logger
        let smallest = 2 * SpoolFormat.sampleRecordBytes + SpoolFormat.headerBytes + 80
        self.maxBytes = max(maxBytes, smallest * 4)
        // Eight segments to the spool, so the bound drops an eighth at a time, not all of it.
        segmentBytes = max(smallest, min(256 << 10, self.maxBytes / 8))
        try DurableFile.makeDirectory(directory)
        state.withLock { state in
            recover(&state)
            publish(state)
        }
    }

    /// Gives the next sequence number to `make`, writes its sample durably, and returns it. A sample
    /// that cannot be written is counted as lost (and its number goes to the next one).
    @discardableResult
    func append(_ make: (UInt64) -> DashboardSample) throws(DurableFile.Failure) -> DashboardSample {
        try state.withLock { (state: inout State) throws(DurableFile.Failure) -> DashboardSample in
            defer { publish(state) }  // a sample that could not be written changes `lost`
            let sample = make(state.nextSequence)
            do throws(DurableFile.Failure) {
                try write(.sample(sample), &state)
            } catch {
                state.position.lost += 1
                throw error
            }
            state.segments[state.segments.count - 1].last = sample.sequence
            state.nextSequence = sample.sequence + 1
            if state.oldestPendingTime == nil { state.oldestPendingTime = sample.time }
            if state.stateFileFailure != nil { saveStateFile(&state) }  // retried as often as samples come
            enforceBound(&state)
            return sample
        }
    }

    /// The batch to send next: the one in flight if there is one (same samples, same id), else up to
    /// `limit` of the oldest unsent samples, now marked in flight.
    func nextBatch(limit: Int) -> Batch? {
        state.withLock { state -> Batch? in
            defer { publish(state) }  // reading can find a segment unreadable
            let end = state.position.inflight > state.position.acked ? state.position.inflight : nil
            let samples = readPending(&state, limit: end.map { Int($0 - state.position.acked) } ?? limit, through: end)
            guard let first = samples.first, let last = samples.last else { return nil }
            if end == nil {
                state.position.inflight = last.sequence
                persist(&state)  // best effort: if it fails, only the batch_id after a restart differs
            }
            return Batch(id: "\(state.position.epoch)-\(first.sequence)-\(last.sequence)", samples: samples)
        }
    }

    /// The dashboard took (or set aside) everything through `sequence`: forget it. Always forgotten in
    /// memory; if the position can be written nowhere, a restart sends the tail of it again (the status
    /// says why meanwhile).
    func acknowledge(through sequence: UInt64) {
        state.withLock { state in
            state.position.acked = max(state.position.acked, sequence)
            state.position.inflight = 0
            // Deleting first frees room on a full disk for the position record that follows. A segment
            // that cannot be deleted (read-only) stays known, to be deleted on a later acknowledgement.
            while state.segments.count > 1, let segment = state.segments.first, segment.last <= state.position.acked {
                guard unlink(segment.path) == 0 || errno == ENOENT else { break }
                state.segments.removeFirst()
            }
            persist(&state)
            for index in state.segments.indices where state.segments[index].last <= state.position.acked {
                state.segments[index].pendingFrom = state.segments[index].bytes
            }
            state.oldestPendingTime = readPending(&state, limit: 1, through: nil).first?.time
            publish(state)
        }
    }

    /// Where each segment's reading for unsent samples starts, in bytes (for the tests).
    var pendingOffsets: [Int] { state.withLock { $0.segments.map(\.pendingFrom) } }

    /// The figures as the last change left them; never waits for a disk write.
    var status: Status { published.withLock { $0 } }

    // MARK: - Inside the lock

    /// Computes the figures from `state` and makes them what `status` reads.
    private func publish(_ state: State) {
        let acked = state.position.acked
        let waiting = state.nextSequence - 1 > acked ? state.nextSequence - 1 - acked : 0
        let pending = Int(waiting - (waiting > 0 ? state.holes(in: acked + 1...state.nextSequence - 1) : 0))
        let status = Status(
            samples: pending, bytes: state.segments.reduce(0) { $0 + $1.bytes },
            oldestTime: pending > 0 ? state.oldestPendingTime : nil, dropped: state.position.dropped,
            corrupt: state.position.corrupt, lost: state.position.lost,
            problem: state.writeFailure?.reason ?? state.stateFileFailure ?? state.readFailure)
        published.withLock { $0 = status }
    }

    /// Appends one record to the newest segment, or to a new one (which begins with the position).
    private func write(_ record: SpoolFormat.Record, _ state: inout State) throws(DurableFile.Failure) {
        var bytes = SpoolFormat.encode(record)
        let tail = state.segments.last
        // A segment without samples is never full: a new one would take its name.
        let full = tail.map { $0.version != .v2 || ($0.hasSamples && $0.bytes + bytes.count > segmentBytes) } ?? true
        if full {
            if case .sample = record { bytes = SpoolFormat.encode(.position(nextPosition(&state))) + bytes }
            let first = state.nextSequence
            state.segments.append(Segment(path: Self.path(directory, first), first: first, last: first - 1, bytes: 0, version: .v2))
        }
        do throws(DurableFile.Failure) {
            try Self.append(bytes, to: state.segments[state.segments.count - 1], isNew: full)
        } catch {
            if full { state.segments.removeLast() }
            noteWriteFailure(error, &state)
            throw error
        }
        state.segments[state.segments.count - 1].bytes += bytes.count
        if let failure = state.writeFailure {
            logger.notice("the spool can be written again; \(state.position.lost - failure.lostBefore) samples could not be kept meanwhile")
            state.writeFailure = nil
        }
    }

    /// Appends and fdatasyncs; on failure the file is cut back to what it was, so no half record stays.
    private static func append(_ bytes: [UInt8], to segment: Segment, isNew: Bool) throws(DurableFile.Failure) {
        let descriptor = open(segment.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DurableFile.Failure(path: segment.path, operation: "open", code: errno) }
        defer { close(descriptor) }
        do throws(DurableFile.Failure) {
            try DurableFile.writeAll(descriptor, bytes, path: segment.path)
            guard fdatasync(descriptor) == 0 else { throw DurableFile.Failure(path: segment.path, operation: "fdatasync", code: errno) }
        } catch {
            if isNew { unlink(segment.path) } else { ftruncate(descriptor, off_t(segment.bytes)) }
            throw error
        }
        if isNew { DurableFile.syncDirectory(of: segment.path) }
    }

    private func noteWriteFailure(_ error: DurableFile.Failure, _ state: inout State) {
        guard state.writeFailure == nil else { return }
        let reason = "cannot write the spool: \(error)"
        logger.error("\(reason); samples that cannot be kept are counted in samples_lost")
        state.writeFailure = (reason, state.position.lost)
    }

    private func nextPosition(_ state: inout State) -> SpoolPosition {
        state.position.generation += 1
        return state.position
    }

    /// Writes the position into the newest segment and into the state file, each as best it can.
    func persist(_ state: inout State) {
        try? write(.position(nextPosition(&state)), &state)
        saveStateFile(&state)
    }

    /// Not synced: the segments hold the position durably (their position records are fdatasynced), and a
    /// state file that a power cut left old or empty loses to them at start. Its two fsyncs were most of
    /// the push thread's time in the kernel (perf on a pushing agent here: 54 of the thread's 315 samples).
    private func saveStateFile(_ state: inout State) {
        do {
            try DurableFile.replace(directory + "/state", with: Array(state.position.stateText.utf8), mode: 0o600, synced: false)
            if state.stateFileFailure != nil { logger.notice("the spool's state file can be written again") }
            state.stateFileFailure = nil
        } catch {
            guard state.stateFileFailure == nil else { return }
            state.stateFileFailure = "cannot write the spool's state file: \(error)"
            logger.error("\(state.stateFileFailure ?? ""); the acknowledged position is kept in the segments")
        }
    }

    private func enforceBound(_ state: inout State) {
        var changed = false
        while state.segments.reduce(0, { $0 + $1.bytes }) > maxBytes, state.segments.count > 1 {
            let oldest = state.segments.removeFirst()
            unlink(oldest.path)
            if oldest.last > state.position.acked {
                let from = max(oldest.first, state.position.acked + 1)
                state.position.dropped += oldest.last - from + 1 - state.holes(in: from...oldest.last)
                state.position.acked = oldest.last
                if state.position.inflight <= state.position.acked { state.position.inflight = 0 }
            }
            changed = true
        }
        if changed {
            state.oldestPendingTime = readPending(&state, limit: 1, through: nil).first?.time
            persist(&state)
        }
    }

    /// Up to `limit` unacknowledged samples, oldest first. Stops at a segment it cannot read rather
    /// than skip it: what comes after is acknowledged only once what is before has been sent.
    private func readPending(_ state: inout State, limit: Int, through end: UInt64?) -> [DashboardSample] {
        var samples: [DashboardSample] = []
        state.readFailure = nil
        for segment in state.segments where segment.last > state.position.acked {
            guard let bytes = DurableFile.read(segment.path, from: segment.version == .v2 ? segment.pendingFrom : 0) else {
                state.readFailure = "cannot read \(segment.path)"
                return samples
            }
            for sample in SpoolFormat.parse(bytes, version: segment.version).samples where sample.sequence > state.position.acked {
                if let end, sample.sequence > end { return samples }
                samples.append(sample)
                if samples.count == limit { return samples }
            }
        }
        return samples
    }

    static func path(_ directory: String, _ first: UInt64) -> String { "\(directory)/segment-\(padded(first)).spool2" }

    static func padded(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}
