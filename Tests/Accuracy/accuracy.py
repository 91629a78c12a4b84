"""The agent's figures against Debian's prometheus-node-exporter and psutil, on this host, at the same moment.

Usage: accuracy.py AGENT NODE_EXPORTER. Starts both on loopback and a process that burns about half a core,
then, for what the three share:
  - counters (CPU seconds per core and mode, disk bytes and operations, network bytes and packets): the
    agent's snapshot is bracketed by two reads of each peer, one finished before the agent's pass began
    and one begun after it was published, so each peer's first read <= the agent's <= its second read;
  - gauges (memory bytes, filesystem sizes and free space, load average): within the range of the two
    peer reads widened by what changed between them, which is zero for what does not move (MemTotal,
    filesystem sizes: those must be equal). Memory and free space can move down and back up between the
    two reads, so for those the range also takes in a trace of /proc/meminfo and statvfs read every
    millisecond from the first peer read to the second, widened by the trace's largest step;
  - over one collection interval, with psutil's measuring window aligned on the agent's: CPU % and
    memory % within 1 point; the burner's RSS equal and its CPU % within 2 points.
Prints one JSON report (the largest difference seen per check, and every failure); exits 1 on a failure.
"""
import json
import os
import subprocess
import sys
import threading
import time

import psutil
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Support"))
from peers import await_pass_after, get, start_agent, start_node_exporter  # noqa: E402

AGENT, NODE_EXPORTER = sys.argv[1], sys.argv[2]
INTERVAL = 2.0
failures, largest = [], {}


def note(check, difference, ok, detail):
    largest[check] = max(largest.get(check, 0), abs(difference))
    if not ok:
        failures.append(f"{check}: {detail}")


def scrape(url):
    """{(name, frozenset(labels)): value} for every sample."""
    samples = {}
    for family in text_string_to_metric_families(get(url)):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


class GaugeTrace(threading.Thread):
    """The lowest and highest value of each memory field and each filesystem's free space while it runs,
    and the largest change from one read to the next: what a gauge read at an unknown moment in the window
    may have been. Keyed like the agent's samples."""

    def __init__(self, mountpoints):
        super().__init__(daemon=True)
        self.mountpoints, self.running = mountpoints, True
        self.low, self.high, self.step, self.last = {}, {}, {}, {}

    def read(self):
        values = {}
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                field, rest = line.split(":", 1)
                values[(f"node_memory_{field}_bytes", frozenset())] = int(rest.split()[0]) * 1024
        for labels in self.mountpoints:
            try:
                found = os.statvfs(dict(labels)["mountpoint"])
            except OSError:
                continue
            values[("node_filesystem_avail_bytes", labels)] = found.f_bavail * found.f_frsize
        return values

    def run(self):
        while self.running:
            for key, value in self.read().items():
                self.low[key] = min(self.low.get(key, value), value)
                self.high[key] = max(self.high.get(key, value), value)
                if key in self.last:
                    self.step[key] = max(self.step.get(key, 0), abs(value - self.last[key]))
                self.last[key] = value
            time.sleep(0.001)

    def stop(self):
        self.running = False
        self.join()

    def range(self, key):
        """(low, high) widened by the largest step, or None when the trace never read it."""
        if key not in self.low:
            return None
        step = self.step.get(key, 0)
        return self.low[key] - step, self.high[key] + step


# --- the three parties -------------------------------------------------------------------------------
agent, agent_url = start_agent(AGENT, INTERVAL)
node, node_url = start_node_exporter(NODE_EXPORTER)
# Half a core: busy for 1 ms, asleep for 1 ms, steadily.
burner = subprocess.Popen([sys.executable, "-c", """
import time
while True:
    end = time.perf_counter() + 0.001
    while time.perf_counter() < end:
        pass
    time.sleep(0.001)
"""])
try:
    def agent_snapshot():
        """/metrics, the JSON snapshot and the process list, all of one pass."""
        while True:
            metrics = scrape(agent_url + "/metrics")
            snapshot = json.loads(get(agent_url + "/api/v1/metrics"))
            processes = json.loads(get(agent_url + "/api/v1/processes?limit=50&sort=cpu"))
            again = scrape(agent_url + "/metrics?collect[]=cpu")
            key = ("shelteragent_last_collection_timestamp_seconds", frozenset())
            if metrics[key] == again[key]:
                return metrics, snapshot, processes

    def psutil_counters():
        return {
            "cpu": psutil.cpu_times(percpu=True),
            "disk": psutil.disk_io_counters(perdisk=True),
            "net": psutil.net_io_counters(pernic=True),
            "memory": psutil.virtual_memory(),
        }

    # --- point reads, bracketed -------------------------------------------------------------------------
    await_pass_after(agent_url, INTERVAL, 0)
    trace = GaugeTrace([labels for (name, labels) in scrape(node_url) if name == "node_filesystem_avail_bytes"])
    trace.start()
    node_before, psutil_before = scrape(node_url), psutil_counters()
    await_pass_after(agent_url, INTERVAL, time.time())
    ours, snapshot, _ = agent_snapshot()
    node_after, psutil_after = scrape(node_url), psutil_counters()
    trace.stop()

    def ours_by(name, label):
        return {dict(labels).get(label): value for (n, labels), value in ours.items() if n == name}

    def compare_counter(check, name, key_labels):
        compared = 0
        for (n, labels), value in ours.items():
            if n != name or (n, labels) not in node_before:
                continue
            low, high = node_before[(n, labels)], node_after[(n, labels)]
            ok = low - 1e-6 <= value <= high + 1e-6
            note(check, max(low - value, value - high, 0), ok, f"{n} {dict(labels)}: {value} not within [{low}, {high}]")
            compared += 1
        if compared == 0:
            failures.append(f"{check}: nothing in common with node_exporter for {name}")
        return compared

    def compare_gauge(check, name, steady=False):
        compared = 0
        for (n, labels), value in ours.items():
            if n != name or (n, labels) not in node_before or (n, labels) not in node_after:
                continue
            a, b = node_before[(n, labels)], node_after[(n, labels)]
            slack = 0 if steady else abs(b - a)
            low, high = min(a, b) - slack, max(a, b) + slack
            traced = None if steady else trace.range((n, labels))
            if traced is not None:
                low, high = min(low, traced[0]), max(high, traced[1])
            note(check, max(low - value, value - high, 0), low <= value <= high,
                 f"{n} {dict(labels)}: {value} not within [{low}, {high}]")
            compared += 1
        if compared == 0:
            failures.append(f"{check}: nothing in common with node_exporter for {name}")
        return compared

    counts = {}
    counts["cpu seconds"] = compare_counter("cpu seconds (node_exporter)", "node_cpu_seconds_total", ["cpu", "mode"])
    for name in ["node_disk_read_bytes_total", "node_disk_written_bytes_total", "node_disk_reads_completed_total",
                 "node_disk_writes_completed_total"]:
        counts[name] = compare_counter("disk counters (node_exporter)", name, ["device"])
    for name in ["node_network_receive_bytes_total", "node_network_transmit_bytes_total",
                 "node_network_receive_packets_total", "node_network_transmit_packets_total"]:
        counts[name] = compare_counter("network counters (node_exporter)", name, ["device"])
    for field in ["MemTotal", "SwapTotal"]:
        compare_gauge("memory bytes (node_exporter)", f"node_memory_{field}_bytes", steady=True)
    for field in ["MemFree", "MemAvailable", "Buffers", "Cached", "SwapFree", "Active", "Inactive"]:
        compare_gauge("memory bytes (node_exporter)", f"node_memory_{field}_bytes")
    counts["filesystems"] = compare_gauge("filesystem size (node_exporter)", "node_filesystem_size_bytes", steady=True)
    compare_gauge("filesystem free bytes (node_exporter)", "node_filesystem_avail_bytes")
    for name in ["node_load1", "node_load5", "node_load15"]:
        compare_gauge("load average (node_exporter)", name)

    # psutil's counters, bracketed the same way.
    cpu = ours_by("node_cpu_seconds_total", "cpu")
    for core, (before, after) in enumerate(zip(psutil_before["cpu"], psutil_after["cpu"])):
        for mode in ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]:
            value = ours.get(("node_cpu_seconds_total", frozenset({"cpu": str(core), "mode": mode}.items())))
            low, high = getattr(before, mode), getattr(after, mode)
            note("cpu seconds (psutil)", 0 if value is None else max(low - value, value - high, 0),
                 value is not None and low - 1e-6 <= value <= high + 1e-6, f"cpu{core} {mode}: {value} not within [{low}, {high}]")
    for disk, before in psutil_before["disk"].items():
        after = psutil_after["disk"].get(disk)
        for field, name in [("read_bytes", "node_disk_read_bytes_total"), ("write_bytes", "node_disk_written_bytes_total"),
                            ("read_count", "node_disk_reads_completed_total"), ("write_count", "node_disk_writes_completed_total")]:
            value = ours_by(name, "device").get(disk)
            if value is None or after is None:
                continue  # psutil lists partitions too; the agent, like node_exporter's totals, whole disks
            low, high = getattr(before, field), getattr(after, field)
            note("disk counters (psutil)", max(low - value, value - high, 0), low <= value <= high, f"{disk} {field}: {value} not within [{low}, {high}]")
    for nic, before in psutil_before["net"].items():
        after = psutil_after["net"].get(nic)
        if nic == "lo":
            continue  # /metrics leaves lo out, as Debian's node_exporter does (--collector.netdev.device-exclude=^lo$)
        for field, name in [("bytes_recv", "node_network_receive_bytes_total"), ("bytes_sent", "node_network_transmit_bytes_total"),
                            ("packets_recv", "node_network_receive_packets_total"), ("packets_sent", "node_network_transmit_packets_total")]:
            value = ours_by(name, "device").get(nic)
            if after is None:
                continue
            low, high = getattr(before, field), getattr(after, field)
            note("network counters (psutil)", 0 if value is None else max(low - value, value - high, 0),
                 value is not None and low <= value <= high, f"{nic} {field}: {value} not within [{low}, {high}]")
    for mountpoint in [p.mountpoint for p in psutil.disk_partitions(all=False)]:
        value = ours.get(("node_filesystem_size_bytes", frozenset()))
        sizes = {dict(l).get("mountpoint"): v for (n, l), v in ours.items() if n == "node_filesystem_size_bytes"}
        if mountpoint in sizes:
            total = psutil.disk_usage(mountpoint).total
            note("filesystem size (psutil)", sizes[mountpoint] - total, sizes[mountpoint] == total,
                 f"{mountpoint}: {sizes[mountpoint]} vs psutil {total}")
    memory_total = snapshot["memory"]["total_bytes"]
    note("memory bytes (psutil)", memory_total - psutil_before["memory"].total, memory_total == psutil_before["memory"].total,
         f"total {memory_total} vs {psutil_before['memory'].total}")

    # --- one interval: psutil's window aligned on the agent's ---------------------------------------------
    me = psutil.Process(burner.pid)
    await_pass_after(agent_url, INTERVAL, time.time())
    psutil.cpu_percent(None)
    me.cpu_percent(None)
    await_pass_after(agent_url, INTERVAL, time.time())
    host_percent, burner_percent, memory = psutil.cpu_percent(None), me.cpu_percent(None), psutil.virtual_memory()
    burner_rss = me.memory_info().rss
    _, snapshot, processes = agent_snapshot()
    theirs = snapshot["cpu"]["usage_percent"]
    note("cpu % over one interval (psutil)", theirs - host_percent, abs(theirs - host_percent) <= 1,
         f"agent {theirs} vs psutil {host_percent}")
    note("memory % (psutil)", snapshot["memory"]["usage_percent"] - memory.percent,
         abs(snapshot["memory"]["usage_percent"] - memory.percent) <= 1,
         f"agent {snapshot['memory']['usage_percent']} vs psutil {memory.percent}")
    row = next((p for p in processes["processes"] if p["pid"] == burner.pid), None)
    burner_share = None
    if row is None:
        failures.append(f"the burner (PID {burner.pid}) is not among the agent's top processes")
    else:
        note("process cpu % (psutil)", row["cpu_percent"] - burner_percent, abs(row["cpu_percent"] - burner_percent) <= 2,
             f"burner: agent {row['cpu_percent']} vs psutil {burner_percent}")
        note("process rss (psutil)", row["memory_bytes"] - burner_rss, row["memory_bytes"] == burner_rss,
             f"burner: agent {row['memory_bytes']} vs psutil {burner_rss}")
        burner_share = row["cpu_percent"]
    # The burner's own share is a reading, not a difference: it is reported beside the differences, so that
    # a check against a burner that did not burn (near 0 %) shows as such.
    print(json.dumps({"largest_difference": largest, "burner_cpu_percent": burner_share, "compared": counts,
                      "failures": failures}, indent=1, sort_keys=True))
    sys.exit(1 if failures else 0)
finally:
    for process in (agent, node, burner):
        process.kill()
