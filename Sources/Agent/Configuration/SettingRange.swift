/// What a numeric setting may be: seconds (a decimal number) or a count (a whole number), within bounds.
///
/// The upper bounds are what the value can sensibly mean (an interval of at most a day) and, at the same
/// time, what the types it ends up in can hold: seconds become milliseconds in the C server's `int32_t` and
/// in the push client's `long`, and nanoseconds in the sampler's `Int64`, so a day (86 400 000 ms) is far inside
/// every one of them. A value outside the range is refused at start, naming the setting, rather than
/// trapping on a conversion later.
enum SettingRange: Sendable, Hashable, CustomStringConvertible {
    case seconds(ClosedRange<Double>)
    case count(ClosedRange<Int>)

    var description: String {
        switch self {
        case .seconds(let range):
            return "\(NumberText.short(range.lowerBound)) to \(NumberText.short(range.upperBound)) s"
        case .count(let range):
            return "\(range.lowerBound) to \(range.upperBound)"
        }
    }

    /// What the operator is told a value must be.
    var expectation: String {
        switch self {
        case .seconds(let range):
            return "expected a number of seconds from \(NumberText.short(range.lowerBound)) to "
                + NumberText.short(range.upperBound)
        case .count(let range):
            return "expected a whole number from \(range.lowerBound) to \(range.upperBound)"
        }
    }

    /// A finite decimal number: digits, a point, an exponent. `Double(_:)` alone would also take `nan`,
    /// `inf` and hexadecimal (`0x10` is 16), which no operator means as a number of seconds.
    static func decimal(_ text: String) -> Double? {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard !text.isEmpty, text.utf8.allSatisfy({ digits.contains($0) || "+-.eE".utf8.contains($0) }) else { return nil }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
