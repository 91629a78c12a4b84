/// Go's `strconv.FormatFloat(v, 'g', -1, 64)`, which client_golang writes a summary's `quantile` and a
/// histogram's `le` with: label values are compared as text, so `le="1e+06"` must stay `1e+06`, not
/// `1000000`. Shortest round-tripping digits (Swift's and Go's agree), exponent form below 1e-4 and from 1e6.
enum GoFloat {
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (digits, point) = shortestDigits(abs(value))
        let sign = value < 0 ? "-" : ""
        let exponent = point - 1
        if exponent < -4 || exponent >= 6 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let magnitude = abs(exponent)
            return sign + mantissa + (exponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        return sign + digits.prefix(point) + "." + digits.dropFirst(point)
    }

    /// The significant digits of a positive finite value and where the decimal point sits among them
    /// (0.05 is ("5", -1), 120 is ("12", 3)), from Swift's shortest round-tripping description.
    private static func shortestDigits(_ value: Double) -> (String, Int) {
        let text = value.description
        let parts = text.split(separator: "e")
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1])! : 0
        let whole = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(whole[0]) + (whole.count > 1 ? String(whole[1]) : "")
        var point = whole[0].count + exponent
        while digits.hasPrefix("0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return (digits, point)
    }
}
