/// Number spellings shared by the JSON and Prometheus renderers.
public enum NumberFormat {
    /// Integral values below 2^53 without a trailing ".0" (byte counts read naturally); everything else in
    /// Swift's shortest round-tripping form.
    public static func decimal(_ value: Double) -> String {
        var bytes: [UInt8] = []
        appendDecimal(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `decimal(value)`'s bytes, appended: the one place the spelling is decided. A page writes a thousand
    /// numbers, and going through a String for each integer (most of them) cost a sixth of rendering
    /// `/metrics` here.
    public static func appendDecimal(_ value: Double, to bytes: inout [UInt8]) {
        guard value == value.rounded(), abs(value) < 9_007_199_254_740_992 else {
            return bytes.append(contentsOf: value.description.utf8)
        }
        var magnitude = UInt64(abs(value))
        if value < 0 && magnitude != 0 { bytes.append(UInt8(ascii: "-")) }
        // Up to 16 digits below 2^53, written from the end.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            bytes.append(contentsOf: digits[start..<20])
        }
    }

    /// A percentage rounded to two decimals: the precision the dashboard stores (decimal(10,2)).
    public static func percent(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return (value * 100).rounded() / 100
    }
}
