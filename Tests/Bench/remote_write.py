#!/usr/bin/env python3
"""Remote write, measured on this machine, into one VictoriaMetrics (Debian's victoria-metrics):

  fleet   N agents (distinct instance labels, default intervals) for SECONDS: wire bytes per sample, agent
          CPU per sample, agent RSS, and what the receiver ingested (vm_rows_inserted_total).
  pair    what a user would run instead, over the same window: vmagent scraping node_exporter (every 5 s,
          the agent's interval) and remote-writing to the same VictoriaMetrics, and beside it the Prometheus
          agent (`prometheus --enable-feature=agent`) scraping its own node_exporter the same way (its own, so
          each pair's CPU and RSS are its own); RSS and CPU of each pair against one agent alone.

Usage: remote_write.py AGENT_BINARY SECONDS AGENTS. Loopback only; every process is stopped at the end.
Prints one row per figure (figure | value | how)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        return answer.read().decode()


def await_answer(url, limit=30):
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            return get(url, timeout=2)
        except OSError:
            time.sleep(0.1)  # polling another process's readiness
    raise SystemExit(f"{url} did not answer within {limit} s")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def metric(text, name):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    agent_binary, seconds, count = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    work = tempfile.mkdtemp(prefix="rw-bench-")
    processes = []
    rows = []
    try:
        vm_port = free_port()
        vm = subprocess.Popen(["victoria-metrics", f"-storageDataPath={work}/vm", f"-httpListenAddr=127.0.0.1:{vm_port}",
                               "-loggerLevel=ERROR"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(vm)
        await_answer(f"http://127.0.0.1:{vm_port}/health")
        write_url = f"http://127.0.0.1:{vm_port}/api/v1/write"
        agents = []
        for index in range(count):
            port = free_port()
            state = f"{work}/agent-{index}"
            os.makedirs(state)
            env = {"PATH": "/usr/bin:/bin", "REMOTE_WRITE_URL": write_url, "AGENT_HOSTNAME": f"fleet-{index:03d}",
                   "STATE_DIR": state, "LOG_FILE": "", "LOG_CONSOLE": "none", "LISTEN_ADDRESS": f"127.0.0.1:{port}"}
            process = subprocess.Popen([agent_binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            processes.append(process)
            agents.append((process, port))
        for _, port in agents:
            await_answer(f"http://127.0.0.1:{port}/api/v1/health")
        # The pair: node_exporter scraped by vmagent every 5 s, written to the same VictoriaMetrics.
        ne_port, va_port = free_port(), free_port()
        node = subprocess.Popen(["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{ne_port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(node)
        with open(f"{work}/scrape.yml", "w") as f:
            f.write(f"global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: node\n    static_configs:\n"
                    f"      - targets: ['127.0.0.1:{ne_port}']\n        labels: {{instance: vmagent-pair}}\n")
        vmagent = subprocess.Popen(["vmagent", f"-promscrape.config={work}/scrape.yml", f"-remoteWrite.url={write_url}",
                                    f"-remoteWrite.tmpDataPath={work}/vmagent", f"-httpListenAddr=127.0.0.1:{va_port}",
                                    "-loggerLevel=ERROR"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(vmagent)
        # The other pair: the Prometheus agent, scraping a node_exporter of its own into the same VictoriaMetrics.
        pne_port, pa_port = free_port(), free_port()
        prom_node = subprocess.Popen(["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{pne_port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(prom_node)
        with open(f"{work}/prometheus-agent.yml", "w") as f:
            f.write(f"global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: node\n    static_configs:\n"
                    f"      - targets: ['127.0.0.1:{pne_port}']\n        labels: {{instance: prometheus-agent-pair}}\n"
                    f"remote_write:\n  - url: {write_url}\n")
        prom_agent = subprocess.Popen(["prometheus", "--enable-feature=agent", f"--config.file={work}/prometheus-agent.yml",
                                       f"--storage.agent.path={work}/prometheus-agent", f"--web.listen-address=127.0.0.1:{pa_port}",
                                       "--log.level=error"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(prom_agent)
        for port in (ne_port, va_port, pne_port, pa_port):
            await_answer(f"http://127.0.0.1:{port}/metrics")
        time.sleep(6)  # let every process reach its steady state (one interval) before the window opens
        def sample():
            vm_text = get(f"http://127.0.0.1:{vm_port}/metrics")
            figures = {"vm_rows": metric(vm_text, "vm_rows_inserted_total"), "agents": []}
            for process, port in agents:
                text = get(f"http://127.0.0.1:{port}/metrics")
                figures["agents"].append({
                    "cpu": cpu_seconds(process.pid), "rss": rss_mib(process.pid),
                    "bytes": metric(text, "shelteragent_remote_write_sent_bytes_total"),
                    "samples": metric(text, "shelteragent_remote_write_samples_sent_total")})
            figures["pair_cpu"] = cpu_seconds(node.pid) + cpu_seconds(vmagent.pid)
            figures["pair_rss"] = rss_mib(node.pid) + rss_mib(vmagent.pid)
            figures["prom_cpu"] = cpu_seconds(prom_node.pid) + cpu_seconds(prom_agent.pid)
            figures["prom_rss"] = rss_mib(prom_node.pid) + rss_mib(prom_agent.pid)
            figures["prom_agent_samples"] = metric(get(f"http://127.0.0.1:{pa_port}/metrics"),
                                                   "prometheus_remote_storage_samples_total")
            figures["vm_cpu"], figures["vm_rss"] = cpu_seconds(vm.pid), rss_mib(vm.pid)
            return figures
        start = sample()
        began = time.time()
        time.sleep(seconds)  # the measurement window itself
        end = sample()
        elapsed = time.time() - began
        samples = sum(b["samples"] - a["samples"] for a, b in zip(start["agents"], end["agents"]))
        wire = sum(b["bytes"] - a["bytes"] for a, b in zip(start["agents"], end["agents"]))
        cpu = sum(b["cpu"] - a["cpu"] for a, b in zip(start["agents"], end["agents"]))
        rss = sorted(b["rss"] for b in end["agents"])
        one_cpu = (end["agents"][0]["cpu"] - start["agents"][0]["cpu"]) / elapsed
        rows += [
            ("window", f"{elapsed:.0f} s, {count} agents + the vmagent and Prometheus-agent pairs, one VictoriaMetrics", "wall clock"),
            ("samples sent by the agents", f"{samples:.0f} ({samples / elapsed:.0f}/s)", "shelteragent_remote_write_samples_sent_total"),
            ("wire bytes per sample", f"{wire / max(samples, 1):.2f}", "shelteragent_remote_write_sent_bytes_total / samples (snappy body)"),
            ("agent CPU per sample", f"{cpu / max(samples, 1) * 1e6:.1f} µs", "utime+stime of all agents / samples (collection included)"),
            ("agent CPU, one agent", f"{one_cpu * 100:.3f} % of a core", "/proc/PID/stat"),
            ("agent RSS, median of the fleet", f"{rss[len(rss) // 2]:.1f} MiB", "VmRSS"),
            ("receiver ingestion", f"{(end['vm_rows'] - start['vm_rows']) / elapsed:.0f} rows/s",
             "vm_rows_inserted_total (agents and both pairs)"),
            ("receiver CPU / RSS", f"{(end['vm_cpu'] - start['vm_cpu']) / elapsed * 100:.2f} % / {end['vm_rss']:.0f} MiB", "victoria-metrics"),
            ("vmagent + node_exporter CPU", f"{(end['pair_cpu'] - start['pair_cpu']) / elapsed * 100:.3f} % of a core", "/proc/PID/stat, both"),
            ("vmagent + node_exporter RSS", f"{end['pair_rss']:.1f} MiB", "VmRSS, both"),
            ("Prometheus agent + node_exporter CPU", f"{(end['prom_cpu'] - start['prom_cpu']) / elapsed * 100:.3f} % of a core", "/proc/PID/stat, both"),
            ("Prometheus agent + node_exporter RSS", f"{end['prom_rss']:.1f} MiB", "VmRSS, both"),
            ("Prometheus agent samples sent", f"{end['prom_agent_samples'] - start['prom_agent_samples']:.0f}",
             "prometheus_remote_storage_samples_total (shows it wrote)"),
            ("agent alone RSS (agent 0)", f"{end['agents'][0]['rss']:.1f} MiB", "VmRSS"),
        ]
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)
    for figure, value, how in rows:
        print(f"| {figure} | {value} | {how} |")


if __name__ == "__main__":
    main()
