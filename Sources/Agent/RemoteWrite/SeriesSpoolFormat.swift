/// How a collection's samples sit in a remote-write spool segment. Pure.
///
/// `[magic 53 52 57 31 ("SRW1")][crc32 u32 LE of what follows][length u32 LE][sequence u64 LE]
/// [timestamp ms i64 LE][samples u32 LE][payload: `length` bytes]`, the payload being the collection as a
/// snappy-compressed remote-write `WriteRequest` (one sample per series), so `snappy -d | protoc
/// --decode` reads a record. A collection is one record, a few KiB compressed: unlike the dashboard's
/// 56-byte records (SpoolFormat's length is one byte), so the same checksum-and-resynchronise idea with a
/// wider header. Damaged bytes cost the records they hit; reading resynchronises on the next magic whose
/// record checks out, and what a crash mid-append leaves at the end is found as the tail.
enum SeriesSpoolFormat {
    static let magic: [UInt8] = [0x53, 0x52, 0x57, 0x31]
    static let headerBytes = 32
    /// A collection larger than this compressed is refused rather than risk reading garbage lengths.
    static let maxPayload = 64 << 20

    struct Record: Sendable, Equatable {
        var sequence: UInt64
        var timestampMs: Int64
        var samples: Int
        var payload: ArraySlice<UInt8>
    }

    /// A record found in a segment: where it is, and what it holds (its payload is read again on demand).
    struct Located: Sendable, Equatable {
        var sequence: UInt64
        var timestampMs: Int64
        var samples: Int
        var offset: Int
        var size: Int
    }

    struct Parsed: Equatable {
        var records: [Located] = []
        /// Byte ranges that did not read as a record.
        var damaged: [Range<Int>] = []
        /// Where the last good record ends: a torn tail is cut back to this.
        var goodEnd = 0
    }

    static func encode(sequence: UInt64, timestampMs: Int64, samples: Int, payload: [UInt8]) -> [UInt8] {
        var checked = littleEndian(UInt64(payload.count), 4)
        checked += littleEndian(sequence, 8) + littleEndian(UInt64(bitPattern: timestampMs), 8) + littleEndian(UInt64(samples), 4)
        checked += payload
        return magic + littleEndian(UInt64(SpoolFormat.crc32(checked[...])), 4) + checked
    }

    static func parse(_ bytes: [UInt8]) -> Parsed {
        var parsed = Parsed()
        var offset = 0
        var damageStart: Int?
        while offset < bytes.count {
            if let record = record(in: bytes, at: offset) {
                if let start = damageStart { parsed.damaged.append(start..<offset) }
                damageStart = nil
                parsed.records.append(
                    Located(sequence: record.sequence, timestampMs: record.timestampMs, samples: record.samples, offset: offset,
                            size: headerBytes + record.payload.count))
                offset += headerBytes + record.payload.count
                parsed.goodEnd = offset
                continue
            }
            if damageStart == nil { damageStart = offset }
            offset += 1
        }
        if let start = damageStart { parsed.damaged.append(start..<bytes.count) }
        return parsed
    }

    /// The record starting at `offset`, if one starts there and checks out.
    static func record(in bytes: [UInt8], at offset: Int) -> Record? {
        guard offset + headerBytes <= bytes.count, Array(bytes[offset..<offset + 4]) == magic else { return nil }
        let length = Int(value(bytes, offset + 8, 4))
        guard length <= maxPayload, offset + headerBytes + length <= bytes.count else { return nil }
        let end = offset + headerBytes + length
        guard UInt32(value(bytes, offset + 4, 4)) == SpoolFormat.crc32(bytes[offset + 8..<end]) else { return nil }
        return Record(
            sequence: value(bytes, offset + 12, 8), timestampMs: Int64(bitPattern: value(bytes, offset + 20, 8)),
            samples: Int(value(bytes, offset + 28, 4)), payload: bytes[offset + headerBytes..<end])
    }

    private static func value(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
        SpoolFormat.littleEndianValue(bytes[at..<at + count])
    }

    private static func littleEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
