/// `/api/v1/metrics` (and `--once`): the snapshot as JSON, in the key order openapi.yaml documents.
public enum SnapshotJSON {
    public static func render(_ snapshot: Snapshot, pretty: Bool = false) -> [UInt8] {
        var json = JSONWriter(pretty: pretty, capacity: 4096)
        json.object { json in
            json.field("timestamp", Timestamp.rfc3339(snapshot.timestamp))
            json.field("hostname", snapshot.hostname)
            json.key("cpu")
            if let cpu = snapshot.cpu { writeCPU(cpu, &json) } else { json.string(nil) }
            json.key("memory")
            if let memory = snapshot.memory { writeMemory(memory, &json) } else { json.string(nil) }
            json.key("disk")
            writeDisk(snapshot.filesystems, snapshot.diskIO, &json)
            json.key("network")
            if let network = snapshot.network { writeNetwork(network, &json) } else { json.string(nil) }
            json.key("pressure")
            if let pressure = snapshot.pressure { writePressure(pressure, &json) } else { json.string(nil) }
            json.key("cgroup")
            if let cgroup = snapshot.cgroup { writeCgroup(cgroup, &json) } else { json.string(nil) }
            // The other collectors' own keys, in the order they ran; each declares its JSON beside its
            // collector.
            for entry in snapshot.sections {
                guard let section = entry.section as? any JSONSection else { continue }
                json.key(section.jsonKey)
                section.writeJSON(into: &json)
            }
            // The kernel counters a person looks at, each named by its own collector (`summarize`).
            let summaries = snapshot.sections.compactMap { ($0.section as? MetricSamples)?.summary }.joined()
            if !summaries.isEmpty {
                json.key("kernel")
                json.object { json in for (name, value) in summaries { json.field(name, value) } }
            }
        }
        return json.bytes
    }

    static func writePressure(_ pressure: [PressureSample], _ json: inout JSONWriter) {
        func stall(_ stall: PressureSample.Stall?, _ json: inout JSONWriter) {
            guard let stall else { return json.string(nil) }
            json.object { json in
                json.field("avg10", stall.avg10)
                json.field("avg60", stall.avg60)
                json.field("avg300", stall.avg300)
                json.field("total_seconds", stall.totalSeconds)
            }
        }
        json.object { json in
            for reading in pressure {
                json.key(reading.resource)
                json.object { json in
                    json.key("some")
                    stall(reading.some, &json)
                    json.key("full")
                    stall(reading.full, &json)
                }
            }
        }
    }

    static func writeCgroup(_ cgroup: CgroupSample, _ json: inout JSONWriter) {
        json.object { json in
            json.field("path", cgroup.path)
            json.field("version", cgroup.version)
            json.field("memory_limit_bytes", cgroup.memoryLimitBytes)
            json.field("memory_usage_bytes", cgroup.memoryUsageBytes)
            json.field("cpu_limit_cores", cgroup.cpuLimitCores)
            json.field("cpu_usage_seconds", cgroup.cpuUsageSeconds)
            json.key("pressure")
            writePressure(cgroup.pressure, &json)
        }
    }

    static func writeCPU(_ cpu: CPUSample, _ json: inout JSONWriter) {
        json.object { json in
            json.field("usage_percent", NumberFormat.percent(cpu.usagePercent))
            json.key("per_core_percent")
            json.array { json in for percent in cpu.perCorePercent { json.number(NumberFormat.percent(percent)) } }
            json.key("load_average")
            if let load = cpu.loadAverage {
                json.array { json in for value in load { json.number(value) } }
            } else {
                json.string(nil)
            }
            json.field("cores", cpu.cores)
        }
    }

    static func writeMemory(_ memory: MemorySample, _ json: inout JSONWriter) {
        json.object { json in
            json.field("total_bytes", memory.totalBytes)
            json.field("used_bytes", memory.usedBytes)
            json.field("free_bytes", memory.freeBytes)
            json.field("available_bytes", memory.availableBytes)
            json.field("usage_percent", NumberFormat.percent(memory.usagePercent))
            json.field("swap_total_bytes", memory.swapTotalBytes)
            json.field("swap_used_bytes", memory.swapUsedBytes)
            json.field("swap_usage_percent", NumberFormat.percent(memory.swapUsagePercent))
        }
    }

    // Space and I/O come from two collectors; either half is null when its collector failed.
    static func writeDisk(_ space: FilesystemSample?, _ io: DiskIOSample?, _ json: inout JSONWriter) {
        json.object { json in
            json.field("total_bytes", space?.totalBytes)
            json.field("used_bytes", space?.usedBytes)
            json.field("free_bytes", space?.freeBytes)
            json.field("usage_percent", NumberFormat.percent(space?.usagePercent))
            json.field("read_bytes_per_second", io?.readBytesPerSecond)
            json.field("write_bytes_per_second", io?.writeBytesPerSecond)
            json.key("filesystems")
            json.array { json in
                for fs in space?.filesystems ?? [] {
                    json.object { json in
                        json.field("device", fs.device)
                        json.field("mountpoint", fs.mountpoint)
                        json.field("fstype", fs.fstype)
                        json.field("read_only", fs.readOnly)
                        json.field("total_bytes", fs.sizeBytes)
                        json.field("used_bytes", fs.usedBytes)
                        json.field("free_bytes", fs.availableBytes)
                        json.field("usage_percent", NumberFormat.percent(fs.usagePercent))
                    }
                }
            }
            json.key("devices")
            json.array { json in
                for disk in io?.devices ?? [] {
                    json.object { json in
                        json.field("name", disk.name)
                        json.field("read_bytes_total", disk.readBytes)
                        json.field("write_bytes_total", disk.writtenBytes)
                        json.field("reads_total", disk.readsCompleted)
                        json.field("writes_total", disk.writesCompleted)
                        json.field("read_bytes_per_second", disk.readBytesPerSecond)
                        json.field("write_bytes_per_second", disk.writeBytesPerSecond)
                        json.field("reads_per_second", disk.readsPerSecond)
                        json.field("writes_per_second", disk.writesPerSecond)
                    }
                }
            }
        }
    }

    static func writeNetwork(_ network: NetworkSample, _ json: inout JSONWriter) {
        json.object { json in
            json.field("bytes_sent_total", network.bytesSentTotal)
            json.field("bytes_received_total", network.bytesReceivedTotal)
            json.field("packets_sent_total", network.packetsSentTotal)
            json.field("packets_received_total", network.packetsReceivedTotal)
            json.field("mbps", network.mbps)
            json.key("interfaces")
            json.array { json in
                for interface in network.interfaces {
                    json.object { json in
                        json.field("name", interface.name)
                        json.field("bytes_sent_total", interface.transmitBytes)
                        json.field("bytes_received_total", interface.receiveBytes)
                        json.field("packets_sent_total", interface.transmitPackets)
                        json.field("packets_received_total", interface.receivePackets)
                        json.field("errors_in_total", interface.receiveErrors)
                        json.field("errors_out_total", interface.transmitErrors)
                        json.field("drops_in_total", interface.receiveDrops)
                        json.field("drops_out_total", interface.transmitDrops)
                        json.field("sent_bytes_per_second", interface.transmitBytesPerSecond)
                        json.field("received_bytes_per_second", interface.receiveBytesPerSecond)
                    }
                }
            }
        }
    }
}
