/// Prometheus remote write 1.0's `WriteRequest`, encoded and decoded by hand (prometheus/prompb's
/// remote.proto and types.proto: WriteRequest{1: repeated TimeSeries}, TimeSeries{1: repeated Label,
/// 2: repeated Sample}, Label{1: name, 2: value}, Sample{1: double value, 2: int64 timestamp}).
///
/// Why not swift-protobuf: for four messages of two fields each it brings a library of about 30,000
/// lines (98 files in Sources/SwiftProtobuf at 0830058d) and a protoc plugin to the build. Measured here
/// (2 shared cores, `swift build -c release`): a program serialising one of its messages takes 35.7 s to
/// build instead of 0.6 s (the compiler peaking at 739 MB) and is 1.96 MB bigger stripped; that is
/// before building protoc-gen-swift and generating code. This is ~150 lines, and the tests check it
/// against the official runtime (Python's `protobuf`) and a .proto written from the spec
/// (Tests/RemoteWrite/remote.proto). Default values are left out as proto3 encoders do; the decoder reads
/// what any encoder may write (fields in any order, unknown ones skipped, packed or not does not arise).
enum RemoteWriteProtobuf {
    static func encode(_ series: [RemoteWriteSeries]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(series.count * 96)
        var message: [UInt8] = []
        var inner: [UInt8] = []
        for one in series {
            message.removeAll(keepingCapacity: true)
            for label in one.labels {
                inner.removeAll(keepingCapacity: true)
                writeBytes(field: 1, Array(label.name.utf8), into: &inner)
                writeBytes(field: 2, Array(label.value.utf8), into: &inner)
                writeBytes(field: 1, inner, into: &message)
            }
            for sample in one.samples {
                inner.removeAll(keepingCapacity: true)
                if sample.value.bitPattern != 0 {
                    writeVarint(UInt64(1 << 3 | 1), into: &inner)
                    for shift in stride(from: 0, to: 64, by: 8) { inner.append(UInt8(truncatingIfNeeded: sample.value.bitPattern >> UInt64(shift))) }
                }
                if sample.timestampMs != 0 {
                    writeVarint(UInt64(2 << 3), into: &inner)
                    writeVarint(UInt64(bitPattern: sample.timestampMs), into: &inner)
                }
                writeBytes(field: 2, inner, into: &message)
            }
            writeBytes(field: 1, message, into: &out)
        }
        return out
    }

    struct Malformed: Error, Equatable {
        var reason: String
    }

    static func decode(_ bytes: [UInt8]) throws(Malformed) -> [RemoteWriteSeries] {
        var series: [RemoteWriteSeries] = []
        try forEachField(bytes[...]) { (field, value) throws(Malformed) in
            guard field == 1, case .bytes(let message) = value else { return }
            var one = RemoteWriteSeries(labels: [], samples: [])
            try forEachField(message) { (field, value) throws(Malformed) in
                guard case .bytes(let inner) = value else { return }
                if field == 1 {
                    var label = RemoteWriteLabel(name: "", value: "")
                    try forEachField(inner) { (field, value) throws(Malformed) in
                        guard case .bytes(let text) = value else { return }
                        if field == 1 { label.name = String(decoding: text, as: UTF8.self) }
                        if field == 2 { label.value = String(decoding: text, as: UTF8.self) }
                    }
                    one.labels.append(label)
                } else if field == 2 {
                    var sample = RemoteWriteSample(value: 0, timestampMs: 0)
                    try forEachField(inner) { (field, value) throws(Malformed) in
                        if field == 1, case .fixed64(let bits) = value { sample.value = Double(bitPattern: bits) }
                        if field == 2, case .varint(let number) = value { sample.timestampMs = Int64(bitPattern: number) }
                    }
                    one.samples.append(sample)
                }
            }
            series.append(one)
        }
        return series
    }

    // MARK: - Wire format

    private enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32
    }

    private static func writeVarint(_ value: UInt64, into out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    private static func writeBytes(field: UInt64, _ bytes: [UInt8], into out: inout [UInt8]) {
        writeVarint(field << 3 | 2, into: &out)
        writeVarint(UInt64(bytes.count), into: &out)
        out.append(contentsOf: bytes)
    }

    private static func readVarint(_ bytes: ArraySlice<UInt8>, _ at: inout Int) throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while at < bytes.endIndex, shift < 64 {
            let byte = bytes[at]
            at += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        throw Malformed(reason: "varint cut short or too long")
    }

    private static func forEachField(
        _ bytes: ArraySlice<UInt8>, _ body: (UInt64, Value) throws(Malformed) -> Void
    ) throws(Malformed) {
        var at = bytes.startIndex
        while at < bytes.endIndex {
            let key = try readVarint(bytes, &at)
            switch key & 7 {
            case 0: try body(key >> 3, .varint(try readVarint(bytes, &at)))
            case 1:
                guard at + 8 <= bytes.endIndex else { throw Malformed(reason: "fixed64 cut short") }
                let bits = bytes[at..<at + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                at += 8
                try body(key >> 3, .fixed64(bits))
            case 2:
                let length = try readVarint(bytes, &at)
                guard length <= UInt64(bytes.endIndex - at) else { throw Malformed(reason: "length past the end") }
                let end = at + Int(length)
                try body(key >> 3, .bytes(bytes[at..<end]))
                at = end
            case 5:
                guard at + 4 <= bytes.endIndex else { throw Malformed(reason: "fixed32 cut short") }
                at += 4
                try body(key >> 3, .fixed32)
            default: throw Malformed(reason: "wire type \(key & 7)")
            }
        }
    }
}
