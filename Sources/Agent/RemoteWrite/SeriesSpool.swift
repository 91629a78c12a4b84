#if canImport(Glibc)
    import Glibc
#endif
import HostMetrics
import Logging
import Synchronization

/// Remote write's outgoing buffer, on disk, beside the dashboard's: a collection counts as collected
/// once its samples are here (appended and fdatasynced, one record each, `SeriesSpoolFormat`), and they
/// leave only when the receiver has answered 2xx for the batch holding them (or set it aside).
///
/// Why a spool of its own rather than `Spool`: that one's records are 56-byte dashboard samples with a
/// one-byte length, and its positions count samples; a collection here is hundreds of series. The
/// ideas are the same: checksummed records that resynchronise, a torn tail cut off at start, the oldest
/// segment dropped (and counted) past the bound, the newest segment kept. The acknowledged position
/// (record and series within it) is in the `position` file, replaced atomically on each
/// acknowledgement: if a crash takes the last replacement, a restart sends that batch again, which
/// receivers store once (an identical sample at the same timestamp; VictoriaMetrics with dedup).
///
/// Two locks: `disk` is held across file I/O, and only the sampler (append) and the sender take it;
/// `published` holds the figures health and /metrics read, so the endpoint never waits for an fdatasync.
final class SeriesSpool: Sendable {
    /// The next series to send: record `sequence`, from its series index `series`.
    struct Position: Sendable, Equatable, Comparable {
        var sequence: UInt64
        var series: Int
        static func < (a: Self, b: Self) -> Bool { (a.sequence, a.series) < (b.sequence, b.series) }
    }

    struct Batch: Sendable {
        var id: String
        /// Merged by label set, samples in timestamp order per series; empty when `body` is given.
        var series: [RemoteWriteSeries]
        /// The request body as it was spooled, when the batch is exactly one whole collection (the usual
        /// case without a backlog): it is sent as it is, not decoded and encoded again.
        var body: [UInt8]? = nil
        var samples: Int
        var end: Position
    }

    struct Status: Sendable, Equatable {
        var samples = 0
        var bytes = 0
        var oldestTimestampMs: Int64?
        var dropped: UInt64 = 0
        /// Collections that damaged records took (found when the spool was opened, or when reading).
        var corrupt: UInt64 = 0
        /// Samples that could not be written (disk full, read-only, I/O error).
        var lost: UInt64 = 0
        var problem: String?
    }

    private struct Segment {
        var path: String
        var records: [SeriesSpoolFormat.Located]
        var bytes: Int
    }

    private struct Disk {
        var segments: [Segment] = []
        var position = Position(sequence: 1, series: 0)
        var nextSequence: UInt64 = 1
        var counters = Status()
        var writeFailure: (reason: String, lostBefore: UInt64)?
        var positionFailure: String?
        /// The last record decoded: a record split across two batches is read once.
        var cache: (sequence: UInt64, series: [RemoteWriteSeries])?
        /// Records already counted as unreadable: a batch retried through an outage reads past them again,
        /// and must not count (or log) their loss again.
        var countedCorrupt: Set<UInt64> = []
    }

    let directory: String
    private let maxBytes: Int
    private let segmentBytes: Int
    private let logger: Logger
    private let disk = Mutex(Disk())
    private let published = Mutex(Status())

    init(directory: String, maxBytes: Int, logger: Logger) throws(DurableFile.Failure) {
        self.directory = directory
        self.maxBytes = maxBytes
        // Eight segments to the bound, so it drops an eighth at a time.
        segmentBytes = max(16 << 10, min(8 << 20, maxBytes / 8))
        self.logger = logger
        try DurableFile.makeDirectory(directory)
        disk.withLock { disk in
            recover(&disk)
            publish(disk)
        }
    }

    var status: Status { published.withLock { $0 } }

    /// Writes one collection durably. Throws (and counts its samples as lost) when it cannot be kept.
    func append(timestampMs: Int64, series: [RemoteWriteSeries]) throws(DurableFile.Failure) {
        let payload: [UInt8]
        do {
            payload = try Snappy.compress(RemoteWriteProtobuf.encode(series))
        } catch {
            disk.withLock { disk in
                disk.counters.lost += UInt64(series.count)
                publish(disk)
            }
            throw DurableFile.Failure(path: directory, operation: "compress (\(error))", code: 0)
        }
        try disk.withLock { (disk: inout Disk) throws(DurableFile.Failure) in
            defer { publish(disk) }
            let bytes = SeriesSpoolFormat.encode(
                sequence: disk.nextSequence, timestampMs: timestampMs, samples: series.count, payload: payload)
            let full = disk.segments.last.map { !$0.records.isEmpty && $0.bytes + bytes.count > segmentBytes } ?? true
            if full { disk.segments.append(Segment(path: Self.path(directory, disk.nextSequence), records: [], bytes: 0)) }
            let segment = disk.segments[disk.segments.count - 1]
            do throws(DurableFile.Failure) {
                try Self.append(bytes, to: segment.path, at: segment.bytes, isNew: full)
            } catch {
                if full { disk.segments.removeLast() }
                disk.counters.lost += UInt64(series.count)
                if disk.writeFailure == nil {
                    let reason = "cannot write the remote-write spool: \(error)"
                    logger.error("\(reason); samples that cannot be kept are counted in samples_lost")
                    disk.writeFailure = (reason, disk.counters.lost - UInt64(series.count))
                }
                throw error
            }
            disk.segments[disk.segments.count - 1].records.append(
                .init(sequence: disk.nextSequence, timestampMs: timestampMs, samples: series.count, offset: segment.bytes, size: bytes.count))
            disk.segments[disk.segments.count - 1].bytes += bytes.count
            disk.nextSequence += 1
            if let failure = disk.writeFailure {
                logger.notice("the remote-write spool can be written again; \(disk.counters.lost - failure.lostBefore) samples could not be kept meanwhile")
                disk.writeFailure = nil
            }
            enforceBound(&disk)
        }
    }

    /// Up to `limit` of the oldest unsent samples, from as many collections as it takes. A record that
    /// cannot be read back is counted as corrupt and passed over.
    func nextBatch(limit: Int) -> Batch? {
        disk.withLock { disk -> Batch? in
            if let whole = wholeRecord(limit: limit, disk) { return whole }
            let start = disk.position
            var position = start
            var parts: [[RemoteWriteSeries]] = []
            var count = 0
            scan: for index in disk.segments.indices {
                for record in disk.segments[index].records where record.sequence >= position.sequence {
                    guard count < limit else { break scan }
                    guard let series = load(record, in: disk.segments[index].path, &disk) else {
                        if disk.countedCorrupt.insert(record.sequence).inserted {
                            disk.counters.corrupt += 1
                            logger.error(
                                "remote-write spool record \(record.sequence) cannot be read back; its \(record.samples) samples are lost")
                        }
                        position = Position(sequence: record.sequence + 1, series: 0)
                        continue
                    }
                    let from = record.sequence == position.sequence ? min(position.series, series.count) : 0
                    let take = min(limit - count, series.count - from)
                    parts.append(Array(series[from..<from + take]))
                    count += take
                    position = from + take == series.count
                        ? Position(sequence: record.sequence + 1, series: 0) : Position(sequence: record.sequence, series: from + take)
                }
            }
            guard count > 0 else {
                if position != start { acknowledge(position, &disk) }
                return nil
            }
            return Batch(
                id: "\(start.sequence).\(start.series)-\(position.sequence).\(position.series)",
                series: RemoteWriteSeries.merged(parts), samples: count, end: position)
        }
    }

    /// The receiver took (or the sink set aside) everything before `end`.
    func acknowledge(through end: Position) {
        disk.withLock { disk in acknowledge(end, &disk) }
    }

    // MARK: - Inside the disk lock

    /// The next batch as the one record it is, when that record is untouched and the next would not fit.
    private func wholeRecord(limit: Int, _ disk: Disk) -> Batch? {
        var pending = disk.segments.lazy.flatMap { segment in
            segment.records.lazy.filter { $0.sequence >= disk.position.sequence }.map { (segment.path, $0) }
        }.makeIterator()
        guard let (path, record) = pending.next(), record.samples <= limit,
            record.sequence > disk.position.sequence || disk.position.series == 0
        else { return nil }
        if let (_, following) = pending.next(), record.samples + following.samples <= limit { return nil }
        guard let bytes = Self.read(path, offset: record.offset, count: record.size),
            let stored = SeriesSpoolFormat.record(in: bytes, at: 0), stored.sequence == record.sequence
        else { return nil }  // the general path reads it again, and counts it if it is damaged
        let end = Position(sequence: record.sequence + 1, series: 0)
        return Batch(id: "\(record.sequence).0-\(end.sequence).0", series: [], body: Array(stored.payload), samples: record.samples, end: end)
    }

    private func acknowledge(_ end: Position, _ disk: inout Disk) {
        disk.position = max(disk.position, end)
        while disk.segments.count > 1, let last = disk.segments[0].records.last, last.sequence < disk.position.sequence {
            guard unlink(disk.segments[0].path) == 0 || errno == ENOENT else { break }
            disk.segments.removeFirst()
        }
        savePosition(&disk)
        publish(disk)
    }

    private func load(_ record: SeriesSpoolFormat.Located, in path: String, _ disk: inout Disk) -> [RemoteWriteSeries]? {
        if let cache = disk.cache, cache.sequence == record.sequence { return cache.series }
        guard let bytes = Self.read(path, offset: record.offset, count: record.size),
            let stored = SeriesSpoolFormat.record(in: bytes, at: 0), stored.sequence == record.sequence,
            let plain = Snappy.uncompress(stored.payload),
            let series = try? RemoteWriteProtobuf.decode(plain)
        else { return nil }
        disk.cache = (record.sequence, series)
        return series
    }

    private func enforceBound(_ disk: inout Disk) {
        var changed = false
        while disk.segments.reduce(0, { $0 + $1.bytes }) > maxBytes, disk.segments.count > 1 {
            let oldest = disk.segments.removeFirst()
            unlink(oldest.path)
            for record in oldest.records where record.sequence >= disk.position.sequence {
                let sent = record.sequence == disk.position.sequence ? disk.position.series : 0
                disk.counters.dropped += UInt64(max(0, record.samples - sent))
            }
            if let last = oldest.records.last, last.sequence >= disk.position.sequence {
                disk.position = Position(sequence: last.sequence + 1, series: 0)
            }
            changed = true
        }
        if changed { savePosition(&disk) }
    }

    private func savePosition(_ disk: inout Disk) {
        let text =
            "sequence \(disk.position.sequence)\nseries \(disk.position.series)\ndropped \(disk.counters.dropped)\n"
            + "corrupt \(disk.counters.corrupt)\nlost \(disk.counters.lost)\n"
        do {
            try DurableFile.replace(directory + "/position", with: Array(text.utf8), mode: 0o600)
            if disk.positionFailure != nil { logger.notice("the remote-write spool's position file can be written again") }
            disk.positionFailure = nil
        } catch {
            guard disk.positionFailure == nil else { return }
            disk.positionFailure = "cannot write the remote-write spool's position: \(error)"
            logger.error("\(disk.positionFailure ?? ""); after a restart the last batches are sent again")
        }
    }

    private func publish(_ disk: Disk) {
        var status = disk.counters
        var oldest: Int64?
        for segment in disk.segments {
            for record in segment.records where record.sequence >= disk.position.sequence {
                status.samples += record.samples - (record.sequence == disk.position.sequence ? min(disk.position.series, record.samples) : 0)
                if oldest == nil { oldest = record.timestampMs }
            }
            status.bytes += segment.bytes
        }
        status.oldestTimestampMs = oldest
        status.problem = disk.writeFailure?.reason ?? disk.positionFailure
        published.withLock { $0 = status }
    }

    /// Reads the segments and the position; cuts a torn tail off the newest segment; says once what
    /// damage cost.
    private func recover(_ disk: inout Disk) {
        if let bytes = DurableFile.read(directory + "/position") {
            var values: [String: UInt64] = [:]
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 2, let value = UInt64(parts[1]) { values[String(parts[0])] = value }
            }
            disk.position = Position(sequence: max(1, values["sequence"] ?? 1), series: Int(values["series"] ?? 0))
            disk.counters.dropped = values["dropped"] ?? 0
            disk.counters.corrupt = values["corrupt"] ?? 0
            disk.counters.lost = values["lost"] ?? 0
        }
        let names = ((try? FileTree(root: directory).list("")) ?? []).filter { $0.hasPrefix("rw-") && $0.hasSuffix(".seg") }.sorted()
        var lastSequence: UInt64 = 0
        var damagedRecords = 0
        for (index, name) in names.enumerated() {
            let path = directory + "/" + name
            guard let bytes = DurableFile.read(path) else {
                logger.error("cannot read remote-write spool segment \(name); it is left as it is and not sent")
                continue
            }
            let parsed = SeriesSpoolFormat.parse(bytes)
            let records = parsed.records.filter { record in
                defer { lastSequence = max(lastSequence, record.sequence) }
                return record.sequence > lastSequence
            }
            var size = bytes.count
            if let tail = parsed.damaged.last, tail.upperBound == bytes.count, index == names.count - 1 {
                if truncate(path, off_t(parsed.goodEnd)) == 0 { size = parsed.goodEnd }
                logger.warning("remote-write spool segment \(name) ended in a record cut short (a crash mid-write); cut off")
            }
            damagedRecords += parsed.damaged.filter { $0.upperBound != bytes.count || index != names.count - 1 }.count
            if records.isEmpty && index < names.count - 1 {
                unlink(path)
                continue
            }
            disk.segments.append(Segment(path: path, records: records, bytes: size))
        }
        if damagedRecords > 0 {
            disk.counters.corrupt += UInt64(damagedRecords)
            logger.warning("the remote-write spool had \(damagedRecords) damaged stretches; the collections in them are lost, every good record kept")
        }
        disk.nextSequence = max(lastSequence + 1, disk.position.sequence)
        if !disk.segments.isEmpty || disk.position.sequence > 1 { savePosition(&disk) }
    }

    /// Appends and fdatasyncs; on failure the file is cut back to what it was, so no half record stays.
    private static func append(_ bytes: [UInt8], to path: String, at size: Int, isNew: Bool) throws(DurableFile.Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DurableFile.Failure(path: path, operation: "open", code: errno) }
        defer { close(descriptor) }
        do throws(DurableFile.Failure) {
            try DurableFile.writeAll(descriptor, bytes, path: path)
            guard fdatasync(descriptor) == 0 else { throw DurableFile.Failure(path: path, operation: "fdatasync", code: errno) }
        } catch {
            if isNew { unlink(path) } else { ftruncate(descriptor, off_t(size)) }
            throw error
        }
        if isNew { DurableFile.syncDirectory(of: path) }
    }

    private static func read(_ path: String, offset: Int, count: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }

    static func path(_ directory: String, _ first: UInt64) -> String { "\(directory)/rw-\(Spool.padded(first)).seg" }
}
