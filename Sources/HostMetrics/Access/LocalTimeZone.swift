#if canImport(Glibc)
    import Glibc
#endif

/// The local time zone as the C library sees it: `TZ` from the environment, else /etc/localtime (node_exporter
/// asks Go's runtime, which reads the same two). Read once, as both libraries do, when first asked.
public enum LocalTimeZone {
    /// The zone's abbreviation (`UTC`, `CET`, `AEST`) and its offset east of UTC at `seconds` since the epoch.
    public static func at(_ seconds: Double) -> (name: String, offsetSeconds: Int) {
        _ = loaded
        var moment = time_t(seconds.rounded(.down))
        var parts = tm()
        guard localtime_r(&moment, &parts) != nil else { return ("UTC", 0) }
        let name = parts.tm_zone.map { String(cString: $0) } ?? ""
        return (name, Int(parts.tm_gmtoff))
    }

    // localtime_r need not call tzset (glibc's does so only once), so the zone is loaded explicitly.
    private static let loaded: Void = tzset()
}
