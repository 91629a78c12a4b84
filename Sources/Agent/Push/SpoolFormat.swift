import API
import CHTTPClient

/// How records sit in a spool segment, and how a segment is read back whatever happened to it. Pure.
///
/// Version 2 (files `segment-<first sequence>.spool2`): each record is self-delimiting and checksummed,
/// `[magic A7 53 50 4C][crc32 u32 LE of what follows][kind u8][length u8][payload]`, so a
/// damaged record is skipped and reading resynchronises on the next magic whose record checks out: a
/// few flipped bytes cost the records they hit, not the rest of the segment. Kinds: 1, a sample (the
/// 56-byte `SpoolRecord`); 2, a position (`SpoolPosition`: what is acknowledged, what was counted).
///
/// Version 1 (files `segment-<first sequence>.spool`, written before): `[length u32 = 56][crc32 u32]
/// [56-byte sample]`, fixed 64-byte records and nothing else. Such files are still read (on the 64-byte
/// grid, so a damaged record costs only itself there too), never appended to, and deleted as usual once
/// acknowledged; the first write after the upgrade starts a version 2 segment, and a damaged version 1
/// segment is rewritten as version 2. Version 2 files do not end in `.spool`, so a downgraded agent
/// (which would take them for damaged version 1 files and cut them to nothing) leaves them alone.
enum SpoolFormat {
    enum Version: Sendable { case v1, v2 }

    enum Record: Equatable {
        case sample(DashboardSample)
        case position(SpoolPosition)
    }

    /// Bytes that did not read as a record.
    struct Damage: Equatable {
        var range: Range<Int>
        /// Record headers in the range that said "sample" (their checksum failed, or they were cut short).
        var sampleHeaders: Int
        /// The sequences of the good samples either side in the same segment, where there are some.
        var before: UInt64?
        var after: UInt64?
        /// Nothing good follows: what a crash mid-append leaves (or damage at the very end).
        var isTail: Bool
    }

    struct Parsed: Equatable {
        var records: [Record] = []
        var damage: [Damage] = []
        /// Where the last good record ends.
        var goodEnd = 0
        var total = 0

        mutating func append(_ record: Record) {
            if case .sample(let sample) = record {
                for index in damage.indices.reversed() {
                    guard damage[index].after == nil else { break }
                    damage[index].after = sample.sequence
                }
            }
            records.append(record)
        }

        var samples: [DashboardSample] {
            records.compactMap { if case .sample(let sample) = $0 { sample } else { nil } }
        }
        var positions: [SpoolPosition] {
            records.compactMap { if case .position(let position) = $0 { position } else { nil } }
        }
    }

    static let magic: [UInt8] = [0xA7, 0x53, 0x50, 0x4C]
    static let headerBytes = 10
    static let sampleKind: UInt8 = 1
    static let positionKind: UInt8 = 2
    static let sampleRecordBytes = headerBytes + SpoolRecord.size
    static let v1RecordBytes = 8 + SpoolRecord.size

    static func encode(_ record: Record) -> [UInt8] {
        let (kind, payload): (UInt8, [UInt8]) =
            switch record {
            case .sample(let sample): (sampleKind, SpoolRecord.encode(sample))
            case .position(let position): (positionKind, position.encoded)
            }
        let checked = [kind, UInt8(payload.count)] + payload
        return magic + littleEndian(crc32(checked[...])) + checked
    }

    static func parse(_ bytes: [UInt8], version: Version) -> Parsed {
        version == .v1 ? parseV1(bytes) : parseV2(bytes)
    }

    private static func parseV2(_ bytes: [UInt8]) -> Parsed {
        var parsed = Parsed(total: bytes.count)
        var offset = 0
        var damageStart: Int?
        var headers = 0
        func closeDamage(at end: Int, isTail: Bool) {
            guard let start = damageStart else { return }
            parsed.damage.append(
                Damage(range: start..<end, sampleHeaders: headers, before: parsed.samples.last?.sequence, isTail: isTail))
            damageStart = nil
            headers = 0
        }
        while offset < bytes.count {
            if let (record, size) = record(in: bytes, at: offset) {
                closeDamage(at: offset, isTail: false)
                parsed.append(record)
                offset += size
                parsed.goodEnd = offset
                continue
            }
            if damageStart == nil { damageStart = offset }
            if hasMagic(bytes, at: offset) && (offset + 8 >= bytes.count || bytes[offset + 8] == sampleKind) { headers += 1 }
            offset += 1
        }
        closeDamage(at: bytes.count, isTail: true)
        return parsed
    }

    /// The record starting at `offset` and its size, if one starts there and checks out.
    private static func record(in bytes: [UInt8], at offset: Int) -> (Record, Int)? {
        guard offset + headerBytes <= bytes.count, hasMagic(bytes, at: offset) else { return nil }
        let kind = bytes[offset + 8], length = Int(bytes[offset + 9])
        let end = offset + headerBytes + length
        guard end <= bytes.count, UInt32(littleEndianValue(bytes[offset + 4..<offset + 8])) == crc32(bytes[offset + 8..<end])
        else { return nil }
        let payload = bytes[offset + headerBytes..<end]
        switch kind {
        case sampleKind: return SpoolRecord.decode(payload).map { (.sample($0), end - offset) }
        case positionKind: return SpoolPosition(decoding: payload).map { (.position($0), end - offset) }
        default: return nil
        }
    }

    private static func parseV1(_ bytes: [UInt8]) -> Parsed {
        var parsed = Parsed(total: bytes.count)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + v1RecordBytes, bytes.count)
            let slot = bytes[offset..<end]
            if slot.count == v1RecordBytes, littleEndianValue(slot.prefix(4)) == UInt64(SpoolRecord.size),
                UInt32(littleEndianValue(slot.dropFirst(4).prefix(4))) == crc32(slot.dropFirst(8)),
                let sample = SpoolRecord.decode(slot.dropFirst(8))
            {
                parsed.append(.sample(sample))
                parsed.goodEnd = end
            } else if let last = parsed.damage.last, last.range.upperBound == offset {
                parsed.damage[parsed.damage.count - 1].range = last.range.lowerBound..<end
                parsed.damage[parsed.damage.count - 1].sampleHeaders += 1
            } else {
                // Every version 1 slot held a sample, a cut-short last one too.
                parsed.damage.append(Damage(range: offset..<end, sampleHeaders: 1, before: parsed.samples.last?.sequence, isTail: false))
            }
            offset = end
        }
        if let last = parsed.damage.last, last.range.upperBound == bytes.count { parsed.damage[parsed.damage.count - 1].isTail = true }
        return parsed
    }

    private static func hasMagic(_ bytes: [UInt8], at offset: Int) -> Bool {
        // A header cut short by the end of the file still counts as a header if what is there matches.
        let available = min(4, bytes.count - offset)
        for index in 0..<available where bytes[offset + index] != magic[index] { return false }
        return available == 4 || offset + available == bytes.count
    }

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { chc_crc32($0.baseAddress, $0.count) }
    }
    static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    static func littleEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    static func littleEndianValue(_ bytes: ArraySlice<UInt8>) -> UInt64 { bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
}

/// What the spool has acknowledged and counted, written as a record into the segments (and to the
/// `state` file): whichever copy has the highest generation is the newest.
struct SpoolPosition: Sendable, Equatable {
    var generation: UInt64 = 0
    var acked: UInt64 = 0
    var inflight: UInt64 = 0
    var dropped: UInt64 = 0
    var corrupt: UInt64 = 0
    var lost: UInt64 = 0
    var epoch = ""

    var encoded: [UInt8] {
        [generation, acked, inflight, dropped, corrupt, lost].flatMap(SpoolFormat.littleEndian) + Array(epoch.utf8.prefix(32))
    }

    init() {}

    init?(decoding payload: ArraySlice<UInt8>) {
        guard payload.count >= 48 else { return nil }
        let words = (0..<6).map { SpoolFormat.littleEndianValue(payload.dropFirst($0 * 8).prefix(8)) }
        (generation, acked, inflight, dropped, corrupt, lost) = (words[0], words[1], words[2], words[3], words[4], words[5])
        epoch = String(decoding: payload.dropFirst(48), as: UTF8.self)
    }

    /// The `state` file's text: one `key value` a line (version 1 wrote the first four keys).
    var stateText: String {
        "epoch \(epoch)\nacked \(acked)\ninflight \(inflight)\ndropped \(dropped)\n"
            + "corrupt \(corrupt)\nlost \(lost)\ngeneration \(generation)\n"
    }

    init(stateText: String) {
        for line in stateText.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            let value = UInt64(parts[1]) ?? 0
            switch parts[0] {
            case "epoch": epoch = String(parts[1])
            case "acked": acked = value
            case "inflight": inflight = value
            case "dropped": dropped = value
            case "corrupt": corrupt = value
            case "lost": lost = value
            case "generation": generation = value
            default: continue
            }
        }
    }
}
