/// `/proc/net/udp` and `udp6`: a header, then one socket a line; only the queues are read here, column 5
/// as "tx_queue:rx_queue" in hexadecimal bytes, summed over the sockets.
public struct NetUDP: Sendable, Equatable {
    public var sockets: Int
    public var transmitQueueBytes: UInt64
    public var receiveQueueBytes: UInt64

    public static func parse(_ bytes: [UInt8], file: String = "net/udp") throws(ParseError) -> NetUDP {
        var result = NetUDP(sockets: 0, transmitQueueBytes: 0, receiveQueueBytes: 0)
        for (offset, line) in ByteFields.lines(bytes[...]).enumerated().dropFirst() {
            let columns = ByteFields.fields(line)
            let queues = columns.count >= 10 ? columns[4].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false) : []
            guard queues.count == 2, let tx = ByteFields.hex(queues[0]), let rx = ByteFields.hex(queues[1]) else {
                throw ParseError(
                    file: file, line: offset + 1, reason: "expected tx_queue:rx_queue in column 5", text: ByteFields.text(line))
            }
            result.sockets += 1
            result.transmitQueueBytes &+= tx
            result.receiveQueueBytes &+= rx
        }
        return result
    }
}
