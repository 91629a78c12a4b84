/// Number spellings shared by the JSON and Prometheus renderers.
public enum NumberFormat {
    /// Integral values below 2^53 without a trailing ".0" (byte counts read naturally); everything else in
    /// Swift's shortest round-tripping form.
    public static func decimal(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        return value.description
    }

    /// A percentage rounded to two decimals: the precision the dashboard stores (decimal(10,2)).
    public static func percent(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return (value * 100).rounded() / 100
    }
}
