/// The busiest processes, sorted on the server by `?sort=` (so the links work without JavaScript);
/// live.js re-sorts in place on a click and refreshes the rows after each collection.
enum ProcessPanel {
    static func write(_ table: ProcessTable?, sort: ProcessSort, into html: inout HTMLWriter) {
        html.raw("<section class=\"card wide\" id=\"processes\"><h2>Processes</h2>")
        guard let table else {
            html.raw("<p>no process table yet</p></section>")
            return
        }
        html.raw("<p class=\"sub\" id=\"process-summary\">")
        html.text("\(table.totalCount) processes; the top \(min(LivePage.processRows, table.processes.count)) by \(sort.rawValue)")
        html.raw("</p><div class=\"scroll\"><table data-sort=\"\(sort.rawValue)\"><thead><tr>")
        html.raw("<th>PID</th><th>name</th><th>user</th><th>state</th>")
        for (key, title) in [(ProcessSort.cpu, "CPU %"), (.memory, "memory"), (.io, "disk I/O")] {
            let current = key == sort ? " class=\"sorted\"" : ""
            html.raw("<th\(current)><a href=\"/?sort=\(key.rawValue)\" data-sort=\"\(key.rawValue)\">\(title)</a></th>")
        }
        html.raw("<th>command</th></tr></thead><tbody id=\"process-rows\">")
        for process in sort.ordered(table.processes).prefix(LivePage.processRows) {
            html.raw("<tr>")
            html.cell("\(process.pid)", className: "n")
            html.cell(process.name)
            html.cell(process.user ?? "—")
            html.cell(process.status)
            html.cell(HumanFormat.percent(process.cpuPercent), sortValue: process.cpuPercent ?? -1, className: "n")
            html.cell(HumanFormat.bytes(Double(process.memoryBytes)), sortValue: Double(process.memoryBytes), className: "n")
            let io = process.diskReadBytes.map { read in Double(read &+ (process.diskWriteBytes ?? 0)) }
            html.cell(HumanFormat.bytes(io), sortValue: io ?? -1, className: "n")
            html.cell(process.command, className: "cmd", title: process.command)
            html.raw("</tr>")
        }
        html.raw("</tbody></table></div></section>\n")
    }
}
