/// `/api/v1/stream`'s events (the Server-Sent Events format, one per collection): `snapshot` carries what
/// `/api/v1/metrics` serves; `figures` the chosen history figures (`*` for all) as `{"time", "fields"}`.
/// `id` is the pass's sequence number, so a reader can tell a missed pass.
public enum EventStreamFormat {
    public static func event(_ snapshot: Snapshot, fields: [String]?) -> [UInt8] {
        var out = Array("event: \(fields == nil ? "snapshot" : "figures")\nid: \(snapshot.sequence)\ndata: ".utf8)
        if let fields {
            let all = fields.contains("*")
            var json = JSONWriter(capacity: 1024)
            json.object { json in
                json.field("time", (snapshot.timestamp * 1000).rounded() / 1000)
                json.key("fields")
                json.object { json in
                    for figure in snapshot.historyRow.figures where all || fields.contains(figure.name) {
                        json.field(figure.name, figure.value.map { HistoryJSON.compact(Float($0)) } ?? nil)
                    }
                }
            }
            out += json.bytes
        } else {
            // Compact JSON holds no raw newline (strings escape it), so the whole snapshot is one data line.
            out += SnapshotJSON.render(snapshot)
        }
        out += Array("\n\n".utf8)
        return out
    }
}
