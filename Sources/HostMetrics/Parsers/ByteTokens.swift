/// The whitespace-separated fields of one line, one at a time: for lines of a hundred fields and more
/// (/proc/net/netstat's TcpExt), where building an array of them per line costs more than reading them.
struct ByteTokens: IteratorProtocol {
    private var rest: ArraySlice<UInt8>

    init(_ line: ArraySlice<UInt8>) { rest = line }

    mutating func next() -> ArraySlice<UInt8>? {
        guard let start = rest.firstIndex(where: { $0 != ByteFields.space && $0 != ByteFields.tab }) else { return nil }
        let end = rest[start...].firstIndex { $0 == ByteFields.space || $0 == ByteFields.tab } ?? rest.endIndex
        let token = rest[start..<end]
        rest = rest[end...]
        return token
    }
}
