/// How `/api/v1/processes` orders its list.
public enum ProcessSort: String, Sendable, CaseIterable {
    case cpu, memory, io

    /// Descending by the key, then by PID so equal keys keep a stable order.
    public func ordered(_ processes: [ProcessInfo]) -> [ProcessInfo] {
        processes.sorted { left, right in
            let (a, b) = (key(left), key(right))
            return a != b ? a > b : left.pid < right.pid
        }
    }

    private func key(_ process: ProcessInfo) -> Double {
        switch self {
        case .cpu: return process.cpuPercent ?? -1
        case .memory: return Double(process.memoryBytes)
        case .io: return Double((process.diskReadBytes ?? 0) &+ (process.diskWriteBytes ?? 0))
        }
    }
}

/// `/api/v1/processes`: the busiest processes as JSON.
public enum ProcessesJSON {
    public static func render(_ table: ProcessTable, timestamp: Double, sort: ProcessSort, limit: Int, pretty: Bool)
        -> [UInt8]
    {
        var json = JSONWriter(pretty: pretty, capacity: 256 * min(limit, table.processes.count) + 128)
        json.object { json in
            json.field("timestamp", Timestamp.rfc3339(timestamp))
            json.field("total", table.totalCount)
            json.field("sort", sort.rawValue)
            json.key("processes")
            json.array { json in
                for process in sort.ordered(table.processes).prefix(limit) { write(process, &json) }
            }
        }
        return json.bytes
    }

    static func write(_ process: ProcessInfo, _ json: inout JSONWriter) {
        json.object { json in
            json.field("pid", process.pid)
            json.field("start_time", Timestamp.rfc3339(process.startTime, fractional: true))
            json.field("name", process.name)
            json.field("user", process.user)
            json.field("status", process.status)
            json.field("cpu_percent", NumberFormat.percent(process.cpuPercent))
            json.field("memory_percent", NumberFormat.percent(process.memoryPercent))
            json.field("memory_bytes", process.memoryBytes)
            json.field("disk_read_bytes", process.diskReadBytes)
            json.field("disk_write_bytes", process.diskWriteBytes)
            json.field("command", process.command)
        }
    }
}
