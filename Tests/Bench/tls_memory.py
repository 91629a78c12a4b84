"""What serving HTTPS costs a pull-only agent in memory: cleartext and HTTPS agents side by side, under the
two ways a scraper connects (issue 13's bar: at most 3 MiB more RSS with TLS).

Usage: tls_memory.py AGENT [--minutes M] [--interval S] [--keys rsa,ec] [--env NAME=VALUE ...] [--private-libs]
                       [--json OUT.json]
  AGENT    a release shelter-agent; every agent runs from its own copy of it (private_copy)
  --interval  seconds between scrapes, 15 by default (Prometheus's own default is 60: with
           HTTP_IDLE_TIMEOUT=60 the agent closes its connection now and then, and it connects again)
  --keys   the certificate key types to serve, one HTTPS agent per type and client (rsa: RSA 2048, ec: P-256)
  --env    added to every agent's environment (MALLOC_ARENA_MAX=2, GLIBC_TUNABLES=..., to try a setting)
  --private-libs  each agent, and curl, loads its own copy of libssl.so.3 and libcrypto.so.3
           (LD_LIBRARY_PATH): the agent as the only process on its host mapping OpenSSL, scraped from another
           machine. Without it they share Debian's files with each other and with curl, whose own page faults
           (with read-ahead) keep all of libcrypto in the page cache, where the kernel's fault-around then maps
           the agent up to 16 pages around each page it touches.

The clients, every interval each:
  curl         a new TLS connection per scrape (curl --compressed, HTTP/2 by ALPN when it is TLS)
  prometheus   Debian's prometheus, one job per agent, tls_config with the CA: a keep-alive client that
               keeps its connection between scrapes while HTTP_IDLE_TIMEOUT (90 s by default) outlasts the interval
Each agent is read every 2 s after a warm-up past the first release of unused pages (MEMORY_TRIM_INTERVAL:
a minute after start); the figures are the medians of the window: VmRSS, PSS, USS (smaps_rollup), and
the RSS of each mapping group in smaps (the binary, libcrypto, libssl, glibc, [heap], the anonymous
mappings, which hold the threads' malloc arenas and stacks). The spread is the window's lowest to highest
VmRSS. The connections column counts the scraper's connections to the agent seen open during the window
(ss): 1 when it kept one. After the window, each agent's accessed bits are cleared (/proc/PID/clear_refs) and read again one
scrape interval later: what one interval really touches. smaps' Referenced is no use without that: the
kernel maps the pages it faults around a touched one as accessed, so Referenced equals Rss. It is exact for
files only this agent maps (its binary; OpenSSL with --private-libs): a page of a shared file is also marked
referenced when another process uses it. Prints a table and the HTTPS-minus-cleartext differences per client.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Support"))
from measuring import private_copy, rollup_kib, status_kib, tls_pair  # noqa: E402
from peers import free_port  # noqa: E402

WARMUP_SECONDS = 90  # the first release runs a minute after start; the window starts half a minute after it
SAMPLE_SECONDS = 2


def group_of(path, binary):
    if path == binary or path.startswith(binary + " "):
        return "binary"
    base = os.path.basename(path)
    for prefix, name in (("libcrypto.", "libcrypto"), ("libssl.", "libssl"), ("libc.so", "libc"), ("libz.", "libz"),
                         ("libnghttp2.", "libnghttp2"), ("ld-linux", "ld.so"), ("libm.so", "libm")):
        if base.startswith(prefix):
            return name
    if not path:
        return "anon"
    if path.startswith("["):
        return path  # [heap], [stack], [vdso]...
    return "other files"


def smaps_groups(pid, binary):
    """RSS and Referenced (KiB) of each mapping group in /proc/PID/smaps."""
    groups = {}
    current = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if "-" in parts[0] and not parts[0].endswith(":"):
                path = " ".join(parts[5:]) if len(parts) > 5 else ""
                current = groups.setdefault(group_of(path, binary), {"rss": 0, "referenced": 0, "anonymous": 0})
            elif parts[0] == "Rss:":
                current["rss"] += int(parts[1])
            elif parts[0] == "Referenced:":
                current["referenced"] += int(parts[1])
            elif parts[0] == "Anonymous:":
                current["anonymous"] += int(parts[1])
    return groups


def await_answer(url, ca):
    deadline = time.monotonic() + 30
    while subprocess.run(["curl", "-sf", "-o", "/dev/null", "--cacert", ca or "/dev/null", url]).returncode != 0:
        if time.monotonic() > deadline:
            raise SystemExit(f"no answer from {url}")
        time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("agent")
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--interval", type=float, default=15)
    parser.add_argument("--keys", default="rsa,ec")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--private-libs", action="store_true")
    parser.add_argument("--json")
    options = parser.parse_args()
    work = tempfile.mkdtemp(prefix="shelter-tls-memory-")
    keys = options.keys.split(",")
    pairs = {}
    for key in keys:
        os.mkdir(os.path.join(work, key))
        pairs[key] = tls_pair(os.path.join(work, key), key)
    extra = dict(setting.split("=", 1) for setting in options.env)

    def private_libs(name):
        """A directory holding this process's own copies of libssl and libcrypto, for LD_LIBRARY_PATH."""
        directory = os.path.join(work, f"{name}-lib")
        os.mkdir(directory)
        for library in ("libssl.so.3", "libcrypto.so.3"):
            private_copy(f"/usr/lib/x86_64-linux-gnu/{library}", directory, library)
        return {"LD_LIBRARY_PATH": directory}
    curl_env = {**os.environ, **private_libs("curl")} if options.private_libs else None
    agents = {}  # name -> {process, binary, url, ca, client}
    for client in ("curl", "prometheus"):
        for key in [None, *keys]:
            name = f"{client}-{key or 'clear'}"
            binary = private_copy(options.agent, work, name)
            port = free_port()
            env = {"PATH": "/usr/bin:/bin", "LOG_FILE": "", "SWIFT_BACKTRACE": "enable=no", "LOG_CONSOLE": "none", **extra}
            if options.private_libs:
                env.update(private_libs(name))
            if key:
                env.update(HTTP_TLS_CERT_FILE=pairs[key]["server.pem"], HTTP_TLS_KEY_FILE=pairs[key]["server.key"])
            process = subprocess.Popen([binary, "--listen", f"127.0.0.1:{port}"], env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            scheme = "https" if key else "http"
            agents[name] = {"process": process, "binary": binary, "client": client, "key": key,
                            "url": f"{scheme}://127.0.0.1:{port}/metrics", "ca": pairs[key]["ca.pem"] if key else None,
                            "target": f"127.0.0.1:{port}"}
    stopping = threading.Event()
    prometheus = None
    try:
        for agent in agents.values():
            await_answer(agent["url"], agent["ca"])
        launched = time.monotonic()
        jobs = []
        for name, agent in agents.items():
            if agent["client"] != "prometheus":
                continue
            tls = f"\n    scheme: https\n    tls_config: {{ca_file: {agent['ca']}}}" if agent["key"] else ""
            jobs.append(f"  - job_name: {name}{tls}\n    static_configs: [{{targets: ['{agent['target']}']}}]")
        os.mkdir(os.path.join(work, "prometheus"))
        config = os.path.join(work, "prometheus", "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"global:\n  scrape_interval: {options.interval:g}s\n  scrape_timeout: 10s\nscrape_configs:\n" + "\n".join(jobs) + "\n")
        prometheus = subprocess.Popen(["prometheus", f"--config.file={config}", f"--web.listen-address=127.0.0.1:{free_port()}",
                                       f"--storage.tsdb.path={work}/prometheus/data"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        failures = {name: 0 for name in agents}

        def scrape():
            while True:
                for name, agent in agents.items():
                    if agent["client"] != "curl":
                        continue
                    command = ["curl", "-sf", "--compressed", "-o", "/dev/null", agent["url"]]
                    if agent["ca"]:
                        command += ["--cacert", agent["ca"]]
                    if subprocess.run(command, timeout=10, env=curl_env).returncode != 0:
                        failures[name] += 1
                if stopping.wait(options.interval):
                    return
        scraper = threading.Thread(target=scrape, daemon=True)
        scraper.start()
        time.sleep(max(0, WARMUP_SECONDS - (time.monotonic() - launched)))
        samples = {name: [] for name in agents}
        connections = {name: set() for name in agents}
        ports = {int(agent["target"].rsplit(":", 1)[1]): name for name, agent in agents.items()}
        started = time.monotonic()
        while time.monotonic() - started < options.minutes * 60:
            for name, agent in agents.items():
                pid = agent["process"].pid
                pss, uss = rollup_kib(pid)
                samples[name].append({"rss": status_kib(pid, "VmRSS"), "pss": pss, "uss": uss,
                                      "groups": smaps_groups(pid, agent["binary"])})
            for local, peer in established():
                if local in ports:
                    connections[ports[local]].add(peer)
            time.sleep(SAMPLE_SECONDS)
        for agent in agents.values():
            with open(f"/proc/{agent['process'].pid}/clear_refs", "w") as f:
                f.write("1")
        time.sleep(options.interval + 1)
        touched = {name: smaps_groups(agent["process"].pid, agent["binary"]) for name, agent in agents.items()}
        up = prometheus_up(work, prometheus)
    finally:
        stopping.set()
        if prometheus:
            prometheus.terminate()
            prometheus.wait()
        for agent in agents.values():
            agent["process"].terminate()
            agent["process"].wait()
        shutil.rmtree(work, ignore_errors=True)
    report(agents, samples, touched, connections, failures, up, options)


def prometheus_up(work, prometheus):
    """Each job's last scrape health, from Prometheus's own /api/v1/targets (a failed job would measure nothing)."""
    for argument in prometheus.args:
        if argument.startswith("--web.listen-address="):
            address = argument.split("=", 1)[1]
    out = subprocess.run(["curl", "-sf", f"http://{address}/api/v1/targets"], capture_output=True, text=True).stdout
    try:
        targets = json.loads(out)["data"]["activeTargets"]
    except (ValueError, KeyError):
        return {}
    return {target["labels"]["job"]: target["health"] for target in targets}


def established():
    """(local port, peer port) of each established TCP connection on loopback."""
    out = subprocess.run(["ss", "-Htn", "state", "established"], capture_output=True, text=True).stdout
    pairs = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 4:
            pairs.append((int(fields[2].rsplit(":", 1)[1]), int(fields[3].rsplit(":", 1)[1])))
    return pairs


def report(agents, samples, touched, connections, failures, up, options):
    figures = {}
    for name, rows in samples.items():
        groups = sorted({group for row in rows for group in row["groups"]})
        figures[name] = {
            "rss": statistics.median(row["rss"] for row in rows), "pss": statistics.median(row["pss"] for row in rows),
            "uss": statistics.median(row["uss"] for row in rows),
            "rss_low": min(row["rss"] for row in rows), "rss_high": max(row["rss"] for row in rows),
            "groups": {group: {field: statistics.median(row["groups"].get(group, {}).get(field, 0) for row in rows)
                               for field in ("rss", "anonymous")} for group in groups},
            "touched": {group: g["referenced"] for group, g in touched[name].items()},
            "samples": len(rows), "failed_scrapes": failures[name], "prometheus": up.get(name),
            "connections": len(connections[name]),
        }
    mib = lambda kib: f"{kib / 1024:.2f}"
    libraries = "private copies of libssl/libcrypto" if options.private_libs else "Debian's libssl/libcrypto, shared"
    print(f"{options.agent}, scraped every {options.interval:g} s, {options.minutes:g} min window after {WARMUP_SECONDS} s, env {options.env or '-'}, {libraries}")
    print(f"{'agent':<18} {'VmRSS':>6} {'PSS':>6} {'USS':>6}  {'spread':>11} {'conns':>5}  per mapping RSS (touched in one {options.interval:g} s interval), MiB")
    for name, f in figures.items():
        mapping = ", ".join(f"{group} {mib(g['rss'])} ({mib(f['touched'].get(group, 0))})" for group, g in
                            sorted(f["groups"].items(), key=lambda item: -item[1]["rss"]) if g["rss"] >= 64)
        health = f" [prometheus: {f['prometheus']}]" if f["prometheus"] else ""
        failed = f" [{f['failed_scrapes']} failed curl scrapes]" if f["failed_scrapes"] else ""
        kept = f["connections"] if agents[name]["client"] == "prometheus" else "new"  # curl's last milliseconds
        print(f"{name:<18} {mib(f['rss']):>6} {mib(f['pss']):>6} {mib(f['uss']):>6}  "
              f"{mib(f['rss_low'])}-{mib(f['rss_high'])} {kept:>5}  {mapping}{health}{failed}")
    print("HTTPS minus cleartext, same client (MiB): VmRSS / PSS / USS; RSS of libcrypto, libssl, heap and anonymous")
    for name, f in figures.items():
        agent = agents[name]
        if not agent["key"]:
            continue
        clear = figures[f"{agent['client']}-clear"]
        delta = lambda field: mib(f[field] - clear[field])
        rss = lambda figure, *groups: sum(figure["groups"].get(g, {}).get("rss", 0) for g in groups)
        group = lambda *groups: mib(rss(f, *groups) - rss(clear, *groups))
        print(f"  {name:<18} {delta('rss')} / {delta('pss')} / {delta('uss')};  "
              f"{group('libcrypto')}, {group('libssl')}, {group('[heap]', 'anon')}")
    if options.json:
        with open(options.json, "w") as f:
            json.dump({"agent": options.agent, "interval": options.interval, "env": options.env, "private_libs": options.private_libs, "minutes": options.minutes, "figures": figures}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
