/// Request bodies for the dashboard, shaped by ../shared/dashboard-protocol.md: every field the server
/// validates, and every column limit it does not validate but would fail on (hence the clamps).
public enum DashboardPayloads {
    /// decimal(10,2): below 100,000,000.
    static let maxMetricValue = 99_999_999.99
    /// decimal(5,2) columns of /services: below 1000.
    static let maxPercent = 999.99

    public struct Registration: Sendable {
        public var agentId, hwid, hostname, ipAddress, osType, osVersion, apiToken: String
        public var cpuCores: Int
        public var totalMemory, totalDisk: UInt64

        public init(
            agentId: String, hwid: String, hostname: String, ipAddress: String, osType: String, osVersion: String,
            apiToken: String, cpuCores: Int, totalMemory: UInt64, totalDisk: UInt64
        ) {
            self.agentId = agentId
            self.hwid = hwid
            self.hostname = hostname
            self.ipAddress = ipAddress
            self.osType = osType
            self.osVersion = osVersion
            self.apiToken = apiToken
            self.cpuCores = cpuCores
            self.totalMemory = totalMemory
            self.totalDisk = totalDisk
        }
    }

    public static func registration(_ r: Registration) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.field("agent_id", clip(r.agentId, 255))
            json.field("hwid", clip(r.hwid, 255))
            json.field("hostname", clip(r.hostname, 255))
            json.field("ip_address", r.ipAddress)
            json.field("os_type", clip(r.osType, 50))
            json.field("os_version", clip(r.osVersion, 100))
            json.field("cpu_cores", r.cpuCores)
            json.field("total_memory", r.totalMemory)
            json.field("total_disk", r.totalDisk)
            json.field("api_token", clip(r.apiToken, 64))
        }
        return json.bytes
    }

    public static func heartbeat(agentId: String) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in json.field("agent_id", agentId) }
        return json.bytes
    }

    /// One batch; `batchId` is the same on every retry of these samples so a server may drop duplicates.
    /// `nil` when none of the samples has a figure (the server refuses an empty list).
    public static func metrics(agentId: String, batchId: String, samples: [DashboardSample]) -> [UInt8]? {
        guard samples.contains(where: { !$0.items.isEmpty }) else { return nil }
        var json = JSONWriter(capacity: samples.count * 5 * 96 + 128)
        json.object { json in
            json.field("agent_id", agentId)
            json.field("batch_id", batchId)
            json.key("metrics")
            json.array { json in
                for sample in samples {
                    let recordedAt = Timestamp.rfc3339(sample.time, fractional: true)
                    for item in sample.items {
                        json.object { json in
                            json.field("metric_type", item.type)
                            json.field("value", rounded(min(max(item.value, 0), maxMetricValue)))
                            json.field("unit", item.unit)
                            json.field("recorded_at", recordedAt)
                        }
                    }
                }
            }
        }
        return json.bytes
    }

    /// The process list; `nil` for an empty one (the server refuses it).
    public static func services(agentId: String, processes: [ProcessInfo]) -> [UInt8]? {
        guard !processes.isEmpty else { return nil }
        var json = JSONWriter(capacity: processes.count * 300 + 64)
        json.object { json in
            json.field("agent_id", agentId)
            json.key("services")
            json.array { json in
                for process in processes {
                    json.object { json in
                        json.field("name", clip(process.name, 255))
                        json.field("pid", process.pid)
                        json.field("cpu_percent", process.cpuPercent.map { rounded(min(max($0, 0), maxPercent)) })
                        json.field("memory_percent", process.memoryPercent.map { rounded(min(max($0, 0), maxPercent)) })
                        json.field("memory_mb", rounded(Double(process.memoryBytes) / 1_048_576))
                        json.field("disk_read_mb", process.diskReadBytes.map { rounded(Double($0) / 1_048_576) })
                        json.field("disk_write_mb", process.diskWriteBytes.map { rounded(Double($0) / 1_048_576) })
                        json.field("user", process.user.map { clip($0, 100) })
                        json.field("command", process.command)
                        json.field("status", ["zombie", "dead", "stopped", "tracing-stop"].contains(process.status) ? "stopped" : "running")
                    }
                }
            }
        }
        return json.bytes
    }

    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// At most `limit` characters (the database counts characters, not bytes).
    static func clip(_ text: String, _ limit: Int) -> String { text.count <= limit ? text : String(text.prefix(limit)) }
}
