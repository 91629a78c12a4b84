/// `/api/v1/history`: the ring as columns, `{"interval_seconds", "time": [...], "fields": {name: [...]}}`,
/// times in Unix seconds, oldest first; a figure missing on a pass is `null`.
public enum HistoryJSON {
    public static func render(_ ring: HistoryRing, since: Double?, fields: [String]?, interval: Double, pretty: Bool)
        -> [UInt8]
    {
        let window = ring.window(since: since, fields: fields)
        var json = JSONWriter(pretty: pretty, capacity: 64 + window.times.count * (window.columns.count + 1) * 8)
        json.object { json in
            json.field("interval_seconds", interval)
            json.field("capacity", ring.capacity)
            json.key("time")
            json.array { json in for time in window.times { json.number((time * 1000).rounded() / 1000) } }
            json.key("fields")
            json.object { json in
                for (name, values) in window.columns {
                    json.key(name)
                    json.array { json in for value in values { json.number(compact(value)) } }
                }
            }
        }
        return json.bytes
    }

    /// A Float column's value as the shortest decimal a chart needs: whole numbers for large figures,
    /// two decimals below 1000 (Float's own digits past that are noise from the conversion).
    static func compact(_ value: Float) -> Double? {
        guard value.isFinite else { return nil }
        let double = Double(value)
        return abs(double) >= 1000 ? double.rounded() : (double * 100).rounded() / 100
    }
}
