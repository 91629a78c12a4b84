/// `/etc/selinux/config`: `SELINUX=enforcing|permissive|disabled` among other `KEY=value` lines, `#` and `;`
/// comments. Read as libselinux (and node_exporter's go-selinux) read it: lines it does not understand are
/// passed over, so this never fails.
public struct SELinuxConfig: Sendable, Equatable {
    /// The SELINUX= value with its quotes removed; `nil` when the file does not set it.
    public var mode: String?

    public init(mode: String?) { self.mode = mode }

    /// node_exporter's node_selinux_config_mode: 1 enforcing, 0 permissive, -1 anything else (disabled).
    public var modeNumber: Int {
        switch mode {
        case "enforcing": 1
        case "permissive": 0
        default: -1
        }
    }

    public static func parse(_ bytes: [UInt8]) -> SELinuxConfig {
        for line in ByteFields.lines(bytes[...]) {
            let text = ByteFields.text(line).trimmingBlanks
            guard let first = text.first, first != "#", first != ";", let equals = text.firstIndex(of: "=") else { continue }
            if text[..<equals] == "SELINUX" {
                var value = text[text.index(after: equals)...]
                while value.first == "\"" { value.removeFirst() }
                while value.last == "\"" { value.removeLast() }
                return SELinuxConfig(mode: String(value))
            }
        }
        return SELinuxConfig(mode: nil)
    }
}

extension String {
    fileprivate var trimmingBlanks: Substring {
        let isBlank = { (character: Character) in character == " " || character == "\t" || character == "\r" }
        guard let start = firstIndex(where: { !isBlank($0) }) else { return "" }
        return self[start...lastIndex(where: { !isBlank($0) })!]
    }
}
