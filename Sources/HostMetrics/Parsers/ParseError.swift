/// A kernel file that did not look the way the kernel writes it, quoting the line that was off.
public struct ParseError: Error, Sendable, CustomStringConvertible, Equatable {
    public let file: String
    /// 1-based; 0 when the problem is the file as a whole.
    public let line: Int
    public let reason: String
    public let text: String

    public init(file: String, line: Int, reason: String, text: String = "") {
        self.file = file
        self.line = line
        self.reason = reason
        self.text = text
    }

    public var description: String {
        line == 0 ? "\(file): \(reason)" : "\(file) line \(line): \(reason): \"\(text)\""
    }
}
