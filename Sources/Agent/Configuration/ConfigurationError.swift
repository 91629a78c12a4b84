/// A setting that cannot be used, naming the variable, where its value came from and why.
struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    var key: String?
    /// `--listen`, `environment`, `.env line 4`, …
    var source: String
    var value: String
    var reason: String

    var description: String {
        if let key { return "\(key)=\"\(value)\" (from \(source)): \(reason)" }
        return "\(source): \(reason)"
    }
}
