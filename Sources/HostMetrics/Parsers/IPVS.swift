/// The IPVS load balancer's proc files (net/netfilter/ipvs/ip_vs_ctl.c): `/proc/net/ip_vs_stats`, two
/// header lines then the totals in hex (connections, packets in, packets out, bytes in, bytes out), and
/// `/proc/net/ip_vs`, each virtual service (`TCP C0A80016:0CEA wlc`, `FWM 10001000 wlc`) followed by its
/// real servers (`-> C0A85216:0CEA Tunnel 100 248 2`: weight, active and inactive connections), addresses
/// as hex (IPv4) or bracketed hex groups (IPv6), ports as hex.
public enum IPVS {
    public struct Totals: Sendable, Equatable {
        public var connections, incomingPackets, outgoingPackets, incomingBytes, outgoingBytes: UInt64
    }

    public struct Backend: Sendable, Equatable {
        /// Empty for a firewall-mark service, which has a mark instead of an address.
        public var localAddress: String
        public var localPort: UInt16
        public var localMark: String
        public var remoteAddress: String
        public var remotePort: UInt16
        public var proto: String
        public var weight, activeConnections, inactiveConnections: UInt64
    }

    public static func parseTotals(_ bytes: [UInt8]) throws(ParseError) -> Totals {
        let lines = bytes[...].split(separator: ByteFields.newline, maxSplits: 3, omittingEmptySubsequences: false)
        guard lines.count == 4 else { throw ParseError(file: "net/ip_vs_stats", line: 0, reason: "too short") }
        let fields = ByteFields.fields(lines[2]).compactMap { UInt64(ByteFields.text($0), radix: 16) }
        guard fields.count == 5, ByteFields.fields(lines[2]).count == 5 else {
            throw ParseError(file: "net/ip_vs_stats", line: 3, reason: "expected five hex totals", text: ByteFields.text(lines[2]))
        }
        return Totals(
            connections: fields[0], incomingPackets: fields[1], outgoingPackets: fields[2], incomingBytes: fields[3],
            outgoingBytes: fields[4])
    }

    public static func parseBackends(_ bytes: [UInt8]) throws(ParseError) -> [Backend] {
        var backends: [Backend] = []
        var proto = "", mark = "", address = "", port: UInt16 = 0
        var number = 0
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            number += 1
            let fields = ByteFields.fields(line).map { ByteFields.text($0) }
            guard let first = fields.first else { return true }
            func fail(_ reason: String) -> Bool {
                failure = ParseError(file: "net/ip_vs", line: number, reason: reason, text: ByteFields.text(line))
                return false
            }
            if first == "IP" || first == "Prot" || (fields.count > 1 && fields[1] == "RemoteAddress:Port") { return true }
            switch first {
            case "TCP", "UDP":
                guard fields.count >= 2 else { return true }
                guard let (ip, parsedPort) = addressAndPort(fields[1]) else { return fail("expected a hex address:port") }
                (proto, mark, address, port) = (first, "", ip, parsedPort)
            case "FWM":
                guard fields.count >= 2 else { return true }
                (proto, mark, address, port) = (first, fields[1], "", 0)
            case "->":
                guard fields.count >= 6 else { return true }
                guard let (ip, remotePort) = addressAndPort(fields[1]) else { return fail("expected a hex address:port") }
                guard let weight = UInt64(fields[3]), let active = UInt64(fields[4]), let inactive = UInt64(fields[5]) else {
                    return fail("expected weight, active and inactive connections")
                }
                backends.append(Backend(
                    localAddress: address, localPort: port, localMark: mark, remoteAddress: ip, remotePort: remotePort,
                    proto: proto, weight: weight, activeConnections: active, inactiveConnections: inactive))
            default: break
            }
            return true
        }
        if let failure { throw failure }
        return backends
    }

    /// `C0A80016:0CEA` → ("192.168.0.22", 3306); `[2620:0000:…:0001]:0050` → ("2620:0:…::1", 80), the
    /// address written as Go's net.IP writes it (node_exporter's label values).
    static func addressAndPort(_ text: String) -> (String, UInt16)? {
        let bytes = Array(text.utf8)
        guard let port = UInt16(String(decoding: bytes.suffix(4), as: UTF8.self), radix: 16) else { return nil }
        var address: [UInt8] = []
        switch bytes.count {
        case 13:
            for index in stride(from: 0, to: 8, by: 2) {
                guard let byte = UInt8(String(decoding: bytes[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
                address.append(byte)
            }
        case 46:
            let groups = String(decoding: bytes[1..<40], as: UTF8.self).split(separator: ":", omittingEmptySubsequences: false)
            guard groups.count == 8 else { return nil }
            for group in groups {
                guard let value = UInt16(group, radix: 16) else { return nil }
                address += [UInt8(value >> 8), UInt8(value & 0xff)]
            }
        default: return nil
        }
        return (format(address), port)
    }

    /// Go's `net.IP.String`: dotted quad for IPv4 and IPv4-mapped IPv6, else hex groups with the longest
    /// run of two or more zero groups as `::`.
    static func format(_ address: [UInt8]) -> String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") }
        if address.prefix(10).allSatisfy({ $0 == 0 }) && address[10] == 0xff && address[11] == 0xff {
            return address.suffix(4).map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]) }
        var bestStart = -1, bestLength = 0, index = 0
        while index < 8 {
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > bestLength && end - index >= 2 { (bestStart, bestLength) = (index, end - index) }
            index = end == index ? index + 1 : end
        }
        var out = ""
        var position = 0
        while position < 8 {
            if position == bestStart {
                out += "::"
                position += bestLength
                continue
            }
            if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
            out += String(groups[position], radix: 16)
            position += 1
        }
        return out
    }
}
