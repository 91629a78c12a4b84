#if canImport(Glibc)
    import Glibc
#endif

/// One line of the Prometheus text exposition format (0.0.4), as positions in the file's bytes: what
/// `ExpositionLine.scan` finds at an offset. Names and escaped texts stay ranges, so scanning a file
/// builds no Strings; `ExpositionText` decides what the lines mean together.
///
/// The rules are expfmt's text parser's (prometheus/common v0.37, which node_exporter 1.5.0 reads
/// textfiles with): leading blanks and tabs are skipped, every line that is not blank ends in `\n` (a
/// file cut mid-line is an error, not a shorter file), HELP unescapes `\\` and `\n`, label values
/// `\\`, `\"` and `\n`, a value is a Go float without hex or underscores, a timestamp a decimal integer.
enum ExpositionLine: Equatable {
    /// Empty, blanks only, a comment that is neither HELP nor TYPE, or a HELP/TYPE naming nothing more
    /// than its family.
    case ignored
    /// `# HELP name text`, the text still escaped.
    case help(name: Range<Int>, text: Range<Int>)
    /// `# TYPE name type`: the type's word as written (expfmt compares it without regard to case).
    case type(name: Range<Int>, type: Range<Int>)
    /// `name{labels} value [timestamp]`: `labels` is what lies between the braces, already checked
    /// (walk it with `eachLabel`).
    case sample(name: Range<Int>, labels: Range<Int>?, value: Double, timestamp: Int64?)

    /// What is wrong with a line, and where in the file.
    struct Failure: Error, Equatable {
        let reason: StaticString
        let offset: Int

        static func == (a: Failure, b: Failure) -> Bool {
            a.offset == b.offset && a.reason.description == b.reason.description
        }
    }

    /// The line that starts at `start` and the offset just after its `\n` (`bytes.count` at a blank end).
    static func scan(_ bytes: [UInt8], at start: Int) throws(Failure) -> (line: ExpositionLine, next: Int) {
        var at = skipBlanks(bytes, start)
        guard at < bytes.count else { return (.ignored, at) }
        switch bytes[at] {
        case newline: return (.ignored, at + 1)
        case UInt8(ascii: "#"): return try comment(bytes, at + 1)
        default: break
        }
        let name = nameToken(bytes, at, continuing: isMetricNameByte)
        guard !name.isEmpty else { throw Failure(reason: "invalid metric name", offset: at) }
        at = skipBlanks(bytes, name.upperBound)
        var labels: Range<Int>?
        if at < bytes.count && bytes[at] == UInt8(ascii: "{") {
            let inside = try labelSet(bytes, at + 1)
            labels = inside
            at = skipBlanks(bytes, inside.upperBound + 1)
        }
        let valueToken = token(bytes, at)
        guard valueToken.upperBound < bytes.count else { throw Failure(reason: "unexpected end of file", offset: at) }
        guard let value = float(bytes, valueToken) else { throw Failure(reason: "expected a float as value", offset: at) }
        if bytes[valueToken.upperBound] == newline { return (.sample(name: name, labels: labels, value: value, timestamp: nil), valueToken.upperBound + 1) }
        at = skipBlanks(bytes, valueToken.upperBound)
        let stampToken = token(bytes, at)
        guard stampToken.upperBound < bytes.count else { throw Failure(reason: "unexpected end of file", offset: at) }
        guard let stamp = integer(bytes, stampToken) else { throw Failure(reason: "expected an integer as timestamp", offset: at) }
        guard bytes[stampToken.upperBound] == newline else {
            throw Failure(reason: "spurious text after the timestamp", offset: stampToken.upperBound)
        }
        return (.sample(name: name, labels: labels, value: value, timestamp: stamp), stampToken.upperBound + 1)
    }

    /// Each label of a range `scan` returned: its name and its still escaped value, in file order.
    static func eachLabel(_ bytes: [UInt8], _ labels: Range<Int>, _ body: (Range<Int>, Range<Int>) -> Void) {
        var at = skipBlanks(bytes, labels.lowerBound)
        while at < labels.upperBound {
            let name = nameToken(bytes, at, continuing: isLabelNameByte)
            at = skipBlanks(bytes, name.upperBound) + 1  // "="
            at = skipBlanks(bytes, at) + 1  // opening quote
            var end = at
            while bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
            body(name, at..<end)
            at = skipBlanks(bytes, end + 1)
            if at < labels.upperBound { at = skipBlanks(bytes, at + 1) }  // ","
        }
    }

    // MARK: - Pieces

    static let newline = UInt8(ascii: "\n")

    /// `# HELP`, `# TYPE` or an ordinary comment, from just after the `#`.
    private static func comment(_ bytes: [UInt8], _ start: Int) throws(Failure) -> (line: ExpositionLine, next: Int) {
        var at = skipBlanks(bytes, start)
        guard at < bytes.count else { throw Failure(reason: "unexpected end of file", offset: at) }
        if bytes[at] == newline { return (.ignored, at + 1) }
        let keyword = token(bytes, at)
        guard let end = bytes[keyword.upperBound...].firstIndex(of: newline) else {
            throw Failure(reason: "unexpected end of file", offset: bytes.count)
        }
        let isHelp = matches(bytes, keyword, "HELP"), isType = matches(bytes, keyword, "TYPE")
        guard (isHelp || isType) && bytes[keyword.upperBound] != newline else { return (.ignored, end + 1) }
        at = skipBlanks(bytes, keyword.upperBound)
        let name = nameToken(bytes, at, continuing: isMetricNameByte)
        if name.upperBound == end { return (.ignored, end + 1) }
        guard isBlank(bytes[name.upperBound]), !name.isEmpty else {
            throw Failure(reason: "invalid metric name in a comment", offset: at)
        }
        at = skipBlanks(bytes, name.upperBound)
        if at == end { return (.ignored, end + 1) }
        if isType { return (.type(name: name, type: at..<end), end + 1) }
        var index = at
        while index < end {
            if bytes[index] == UInt8(ascii: "\\") {
                guard index + 1 < end, bytes[index + 1] == UInt8(ascii: "\\") || bytes[index + 1] == UInt8(ascii: "n") else {
                    throw Failure(reason: "invalid escape sequence in HELP", offset: index)
                }
                index += 1
            }
            index += 1
        }
        return (.help(name: name, text: at..<end), end + 1)
    }

    /// What lies between `{` and `}`, checked label by label; `start` is just after the `{`.
    private static func labelSet(_ bytes: [UInt8], _ start: Int) throws(Failure) -> Range<Int> {
        var at = skipBlanks(bytes, start)
        while true {
            guard at < bytes.count else { throw Failure(reason: "unexpected end of file", offset: at) }
            if bytes[at] == UInt8(ascii: "}") { return start..<at }
            let name = nameToken(bytes, at, continuing: isLabelNameByte)
            guard !name.isEmpty else { throw Failure(reason: "invalid label name", offset: at) }
            at = skipBlanks(bytes, name.upperBound)
            guard at < bytes.count else { throw Failure(reason: "unexpected end of file", offset: at) }
            guard bytes[at] == UInt8(ascii: "=") else { throw Failure(reason: "expected '=' after a label name", offset: at) }
            at = skipBlanks(bytes, at + 1)
            guard at < bytes.count else { throw Failure(reason: "unexpected end of file", offset: at) }
            guard bytes[at] == UInt8(ascii: "\"") else { throw Failure(reason: "expected '\"' to open a label value", offset: at) }
            at = try labelValueEnd(bytes, at + 1) + 1
            at = skipBlanks(bytes, at)
            guard at < bytes.count else { throw Failure(reason: "unexpected end of file", offset: at) }
            switch bytes[at] {
            case UInt8(ascii: ","): at = skipBlanks(bytes, at + 1)
            case UInt8(ascii: "}"): return start..<at
            default: throw Failure(reason: "expected ',' or '}' after a label value", offset: at)
            }
        }
    }

    /// The offset of the quote that closes a label value starting at `start`.
    private static func labelValueEnd(_ bytes: [UInt8], _ start: Int) throws(Failure) -> Int {
        var at = start
        while at < bytes.count {
            switch bytes[at] {
            case UInt8(ascii: "\""): return at
            case newline: throw Failure(reason: "a label value holds an unescaped new-line", offset: at)
            case UInt8(ascii: "\\"):
                guard at + 1 < bytes.count else { break }
                switch bytes[at + 1] {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "n"): at += 1
                default: throw Failure(reason: "invalid escape sequence in a label value", offset: at)
                }
            default: break
            }
            at += 1
        }
        throw Failure(reason: "unexpected end of file", offset: at)
    }

    private static func skipBlanks(_ bytes: [UInt8], _ start: Int) -> Int {
        var at = start
        while at < bytes.count && isBlank(bytes[at]) { at += 1 }
        return at
    }

    /// Up to the next blank, tab or new-line (or the end).
    private static func token(_ bytes: [UInt8], _ start: Int) -> Range<Int> {
        var at = start
        while at < bytes.count && !isBlank(bytes[at]) && bytes[at] != newline { at += 1 }
        return start..<at
    }

    private static func nameToken(_ bytes: [UInt8], _ start: Int, continuing: (UInt8) -> Bool) -> Range<Int> {
        guard start < bytes.count, continuing(bytes[start]), !isDigit(bytes[start]) else { return start..<start }
        var at = start + 1
        while at < bytes.count && continuing(bytes[at]) { at += 1 }
        return start..<at
    }

    private static func matches(_ bytes: [UInt8], _ range: Range<Int>, _ word: StaticString) -> Bool {
        range.count == word.utf8CodeUnitCount
            && word.withUTF8Buffer { zip(bytes[range], $0).allSatisfy { $0 == $1 } }
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isLabelNameByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }
    static func isMetricNameByte(_ byte: UInt8) -> Bool { isLabelNameByte(byte) || byte == UInt8(ascii: ":") }

    // MARK: - Numbers

    /// Go's `strconv.ParseFloat` as expfmt calls it: decimal, or inf/infinity (signed) and nan in any
    /// case; no hex, no underscores; out of range is an error, not infinity.
    static func float(_ bytes: [UInt8], _ range: Range<Int>) -> Double? {
        guard !range.isEmpty else { return nil }
        var digits = false
        for byte in bytes[range] {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits = true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"): break
            default: return special(bytes, range)
            }
        }
        guard digits else { return nil }
        // strtod on a NUL-terminated copy on the stack; it accepts a superset of what was let through.
        let parsed: Double? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: range.count + 1) { buffer in
            for (offset, byte) in bytes[range].enumerated() { buffer[offset] = CChar(bitPattern: byte) }
            buffer[range.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            return end == buffer.baseAddress! + range.count ? value : nil
        }
        guard let parsed, parsed.isFinite else { return nil }
        return parsed
    }

    private static func special(_ bytes: [UInt8], _ range: Range<Int>) -> Double? {
        var word = bytes[range]
        var sign = 1.0
        if let first = word.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            if first == UInt8(ascii: "-") { sign = -1 }
            word = word.dropFirst()
        } else if lowercased(word, equals: "nan") {
            return .nan
        }
        return lowercased(word, equals: "inf") || lowercased(word, equals: "infinity") ? sign * .infinity : nil
    }

    private static func lowercased(_ word: ArraySlice<UInt8>, equals lower: StaticString) -> Bool {
        word.count == lower.utf8CodeUnitCount && lower.withUTF8Buffer { zip(word, $0).allSatisfy { $0 | 0x20 == $1 } }
    }

    /// Go's `strconv.ParseInt(_, 10, 64)`: an optional sign and decimal digits.
    static func integer(_ bytes: [UInt8], _ range: Range<Int>) -> Int64? {
        guard let first = range.first else { return nil }
        let sign = bytes[first]
        let digits = sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") ? bytes[(first + 1)..<range.upperBound] : bytes[range]
        guard let magnitude = ByteFields.unsigned(digits) else { return nil }
        if sign == UInt8(ascii: "-") { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }
}
