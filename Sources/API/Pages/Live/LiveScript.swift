/// `/assets/live.js`: charts from `/api/v1/history`, kept moving by `/api/v1/stream`, and the process
/// table re-sorted and refreshed in place. Plain DOM and SVG, no library: the page must load nothing from
/// elsewhere and stay small.
enum LiveScript {
    static let source = #"""
"use strict";
(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const svgNS = "http://www.w3.org/2000/svg";
  const colors = ["#2f7ed8", "#e4572e", "#29a36a", "#a05ec6", "#f3a712", "#17a2b8", "#6c757d", "#d63384"];
  const state = { window: 900, history: { time: [], fields: {} }, sort: "cpu" };

  function human(value, unit) {
    if (value === null || value === undefined || !isFinite(value)) return "—";
    if (unit === "percent") return value.toFixed(1) + " %";
    if (unit === "number") return value.toFixed(2);
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let scaled = value, at = 0;
    while (Math.abs(scaled) >= 1024 && at < units.length - 1) { scaled /= 1024; at++; }
    return (at ? scaled.toFixed(1) : Math.round(scaled)) + " " + units[at] + (unit === "rate" ? "/s" : "");
  }

  const labels = { cpu_percent: "all CPUs", load1: "1 min", load5: "5 min", load15: "15 min",
    memory_percent: "memory", swap_percent: "swap", disk_read_bytes_per_second: "read",
    disk_write_bytes_per_second: "write", network_receive_bytes_per_second: "receive",
    network_transmit_bytes_per_second: "transmit" };
  function label(name) {
    if (labels[name]) return labels[name];
    const core = /^cpu_core_percent:(.*)$/.exec(name);
    return core ? "cpu " + core[1] : name.replace(/_/g, " ");
  }

  function matching(pattern) {
    const names = Object.keys(state.history.fields);
    return pattern.split(",").flatMap(part =>
      part.endsWith("*") ? names.filter(n => n.startsWith(part.slice(0, -1))) : names.filter(n => n === part));
  }

  function draw(chart) {
    const unit = chart.dataset.unit, names = matching(chart.dataset.fields);
    const times = state.history.time, now = times.length ? times[times.length - 1] : Date.now() / 1000;
    // Less history than the window: the chart spans what there is rather than crowding it at the right edge.
    const start = Math.min(Math.max(now - state.window, times.length ? times[0] : now), now - 1);
    const span = now - start;
    let top = unit === "percent" ? 100 : 0;
    for (const name of names) {
      state.history.fields[name].forEach((v, i) => { if (times[i] >= start && v !== null && v > top) top = v; });
    }
    if (top === 0) top = 1;
    const svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("viewBox", "0 0 300 100");
    svg.setAttribute("preserveAspectRatio", "none");
    names.forEach((name, index) => {
      const values = state.history.fields[name];
      let points = "";
      times.forEach((t, i) => {
        if (t < start || values[i] === null) return;
        const x = ((t - start) / span) * 300, y = 100 - (values[i] / top) * 98;
        points += x.toFixed(1) + "," + y.toFixed(1) + " ";
      });
      const line = document.createElementNS(svgNS, "polyline");
      line.setAttribute("points", points.trim());
      line.setAttribute("stroke", colors[index % colors.length]);
      line.setAttribute("class", "series");
      line.dataset.field = name;
      line.dataset.points = String(points.trim() ? points.trim().split(" ").length : 0);
      svg.appendChild(line);
    });
    const legend = document.createElement("p");
    legend.className = "legend";
    names.forEach((name, index) => {
      const item = document.createElement("span");
      item.style.color = colors[index % colors.length];
      item.textContent = label(name);
      legend.appendChild(item);
    });
    const scale = document.createElement("span");
    scale.className = "scale";
    scale.textContent = "max " + human(top, unit);
    legend.appendChild(scale);
    chart.replaceChildren(svg, legend);
  }

  function drawAll() {
    $$(".chart").forEach(draw);
  }

  function append(event) {
    const history = state.history;
    // The stream opens with the latest collection, which the history fetched just before already holds.
    if (history.time.length && event.time <= history.time[history.time.length - 1]) return;
    history.time.push(event.time);
    const seen = new Set();
    for (const [name, value] of Object.entries(event.fields)) {
      if (!history.fields[name]) history.fields[name] = history.time.slice(0, -1).map(() => null);
      history.fields[name].push(value);
      seen.add(name);
    }
    for (const name of Object.keys(history.fields)) if (!seen.has(name)) history.fields[name].push(null);
    const keep = history.time.findIndex(t => t >= event.time - 3600 * 24);
    if (keep > 0) {
      history.time.splice(0, keep);
      for (const values of Object.values(history.fields)) values.splice(0, keep);
    }
    for (const dd of $$("dd[data-figure]")) {
      if (dd.dataset.figure in event.fields) dd.textContent = human(event.fields[dd.dataset.figure], dd.dataset.unit);
    }
    $("#updated").textContent = new Date(event.time * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  }

  function cell(row, text, className, sortValue) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    if (sortValue !== undefined) td.dataset.v = String(sortValue);
    row.appendChild(td);
  }

  async function refreshProcesses() {
    const response = await fetch("/api/v1/processes?limit=25&sort=" + state.sort, { credentials: "same-origin" });
    if (!response.ok) return;
    const body = await response.json();
    const rows = body.processes.map(p => {
      const row = document.createElement("tr");
      cell(row, String(p.pid), "n");
      cell(row, p.name);
      cell(row, p.user ?? "—");
      cell(row, p.status);
      const io = p.disk_read_bytes === null ? null : p.disk_read_bytes + (p.disk_write_bytes ?? 0);
      cell(row, human(p.cpu_percent, "percent"), "n", p.cpu_percent ?? -1);
      cell(row, human(p.memory_bytes, "bytes"), "n", p.memory_bytes);
      cell(row, io === null ? "—" : human(io, "bytes"), "n", io ?? -1);
      cell(row, p.command, "cmd");
      row.lastChild.title = p.command;
      return row;
    });
    $("#process-rows").replaceChildren(...rows);
    $("#process-summary").textContent = body.total + " processes; the top " + rows.length + " by " + state.sort;
    $$("#processes th").forEach(th => th.classList.toggle("sorted", !!$("a[data-sort=\"" + state.sort + "\"]", th)));
    $("#processes table").dataset.sort = state.sort;
  }

  async function refreshHealth() {
    const response = await fetch("/api/v1/health", { credentials: "same-origin" });
    if (!response.ok) return;
    const health = await response.json();
    const badge = $("#health");
    badge.textContent = health.status;
    badge.className = "big " + health.status;
  }

  async function start() {
    const table = $("#processes table");
    if (table) state.sort = table.dataset.sort;
    $$("#processes th a[data-sort]").forEach(link => link.addEventListener("click", event => {
      event.preventDefault();
      state.sort = link.dataset.sort;
      history.replaceState(null, "", "/?sort=" + state.sort);
      refreshProcesses();
    }));
    const range = $("#range");
    if (range) {
      state.window = Number(range.value);  // what the selector shows, whatever history allows
      range.addEventListener("change", () => { state.window = Number(range.value); drawAll(); });
    }
    const response = await fetch("/api/v1/history?since=-" + 3600 * 24, { credentials: "same-origin" });
    if (response.ok) state.history = await response.json();
    drawAll();
    const stream = new EventSource("/api/v1/stream?fields=*");
    stream.addEventListener("figures", message => {
      append(JSON.parse(message.data));
      drawAll();
      refreshProcesses();
      refreshHealth();
    });
  }

  function login(form) {
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const response = await fetch("/api/v1/session", { headers: { Authorization: "Bearer " + $("#token").value } });
      if (response.ok) location.reload();
      else $("#login-error").textContent = "the agent refused that token";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = $("#login");
    if (form) login(form);
    else start();
  });
})();
"""#
}
