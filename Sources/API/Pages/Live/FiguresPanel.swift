/// CPU, load, memory, disks and network: the current figures as text, and an empty chart beside each
/// that live.js draws from `/api/v1/history` (the `data-fields` it names) and keeps moving.
enum FiguresPanel {
    static func write(_ snapshot: Snapshot?, into html: inout HTMLWriter) {
        html.raw("<section class=\"figures\">")
        let cpu = snapshot?.cpu
        card(
            "CPU", id: "cpu", fields: "cpu_percent,cpu_core_percent:*", unit: "percent",
            lines: [
                ("busy", HumanFormat.percent(cpu?.usagePercent), "cpu_percent"),
                ("cores", cpu.map { "\($0.cores)" } ?? "—", nil),
            ] + (cpu.map { cpu in
                zip(cpu.perCoreTimes, cpu.perCorePercent).map {
                    ("cpu \($0.0.cpu)", HumanFormat.percent($0.1), "cpu_core_percent:\($0.0.cpu)")
                }
            } ?? []), into: &html)
        let load = cpu?.loadAverage
        card(
            "Load", id: "load", fields: "load1,load5,load15", unit: "number",
            lines: [
                ("1 min", load.map { NumberFormat.decimal(($0[0] * 100).rounded() / 100) } ?? "—", "load1"),
                ("5 min", load.map { NumberFormat.decimal(($0[1] * 100).rounded() / 100) } ?? "—", "load5"),
                ("15 min", load.map { NumberFormat.decimal(($0[2] * 100).rounded() / 100) } ?? "—", "load15"),
            ],
            into: &html)
        let memory = snapshot?.memory
        card(
            "Memory", id: "memory", fields: "memory_percent,swap_percent", unit: "percent",
            lines: [
                ("total", memory.map { HumanFormat.bytes(Double($0.totalBytes)) } ?? "—", nil),
                ("used %", HumanFormat.percent(memory?.usagePercent), "memory_percent"),
                ("swap used %", HumanFormat.percent(memory?.swapUsagePercent), "swap_percent"),
            ], into: &html)
        let io = snapshot?.diskIO
        card(
            "Disk I/O", id: "diskio", fields: "disk_read_bytes_per_second,disk_write_bytes_per_second", unit: "rate",
            lines: [
                ("read", HumanFormat.rate(io?.readBytesPerSecond), "disk_read_bytes_per_second"),
                ("write", HumanFormat.rate(io?.writeBytesPerSecond), "disk_write_bytes_per_second"),
            ],
            into: &html)
        let network = snapshot?.network
        let history = snapshot?.historyRow.figures ?? []
        func figure(_ name: String) -> Double? { history.first { $0.name == name }?.value ?? nil }
        card(
            "Network", id: "network", fields: "network_receive_bytes_per_second,network_transmit_bytes_per_second",
            unit: "rate",
            lines: [
                ("receive", HumanFormat.rate(figure("network_receive_bytes_per_second")), "network_receive_bytes_per_second"),
                ("transmit", HumanFormat.rate(figure("network_transmit_bytes_per_second")), "network_transmit_bytes_per_second"),
                ("interfaces", network.map { $0.interfaces.map(\.name).joined(separator: ", ") } ?? "—", nil),
            ], into: &html)
        writeFilesystems(snapshot?.filesystems, into: &html)
        html.raw("</section>\n")
    }

    static func card(
        _ title: String, id: String, fields: String, unit: String, lines: [(label: String, value: String, figure: String?)],
        into html: inout HTMLWriter
    ) {
        html.raw("<div class=\"card\" id=\"\(id)\"><h2>")
        html.text(title)
        html.raw("</h2><div class=\"chart\" data-fields=\"\(fields)\" data-unit=\"\(unit)\"></div><dl>")
        for (label, value, figure) in lines {
            html.raw("<dt>")
            html.text(label)
            html.raw("</dt><dd")
            if let figure {
                // Figure names carry the host's CPU names: escaped like any other text from the host.
                html.raw(" data-figure=\"")
                html.text(figure)
                html.raw("\" data-unit=\"\(unit)\"")
            }
            html.raw(">")
            html.text(value)
            html.raw("</dd>")
        }
        html.raw("</dl></div>")
    }

    static func writeFilesystems(_ filesystems: FilesystemSample?, into html: inout HTMLWriter) {
        html.raw("<div class=\"card wide\" id=\"filesystems\"><h2>Disk space</h2><table><thead><tr>")
        html.raw("<th>mount point</th><th>type</th><th>used</th><th>size</th><th>used %</th></tr></thead><tbody>")
        for filesystem in filesystems?.filesystems ?? [] {
            html.raw("<tr>")
            html.cell(filesystem.mountpoint)
            html.cell(filesystem.fstype)
            html.cell(HumanFormat.bytes(Double(filesystem.usedBytes)), className: "n")
            html.cell(HumanFormat.bytes(Double(filesystem.sizeBytes)), className: "n")
            let percent = filesystem.usagePercent
            html.raw("<td class=\"n\"><meter min=\"0\" max=\"100\" value=\"\(NumberFormat.decimal((percent * 10).rounded() / 10))\"></meter> ")
            html.text(HumanFormat.percent(percent))
            html.raw("</td></tr>")
        }
        html.raw("</tbody></table></div>")
    }
}
