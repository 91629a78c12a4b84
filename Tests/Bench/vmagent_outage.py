#!/usr/bin/env python3
"""The remote-write outage-and-restart run against vmagent, for scripts/bench: vmagent scrapes
node_exporter every second into Debian's victoria-metrics; the database stops for about 11 s, vmagent
is SIGKILLed 5 s into the outage and restarted at once; afterwards every `up` sample is exported and the
gaps say how many scrapes were lost. (The agent's own run of the same scenario is a test:
Tests/EndToEndTests/RemoteWriteReceiverTests.swift, which finds every collection stored once.)
The sleeps are the scenario's timeline, not synchronisation. Loopback only."""
import json, os, signal, socket, subprocess, tempfile, time, urllib.request, urllib.parse, shutil
def port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def wait(url):
    for _ in range(300):
        try: return urllib.request.urlopen(url, timeout=2).read()
        except OSError: time.sleep(0.1)
    raise SystemExit(url)
work = tempfile.mkdtemp(); vp, np, ap = port(), port(), port()
def start_vm():
    p = subprocess.Popen(["victoria-metrics", f"-storageDataPath={work}/vm", f"-httpListenAddr=127.0.0.1:{vp}", "-loggerLevel=ERROR"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait(f"http://127.0.0.1:{vp}/health"); return p
open(f"{work}/s.yml", "w").write(f"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:{np}']\n")
def start_vmagent():
    p = subprocess.Popen(["vmagent", f"-promscrape.config={work}/s.yml", f"-remoteWrite.url=http://127.0.0.1:{vp}/api/v1/write",
        f"-remoteWrite.tmpDataPath={work}/va", f"-httpListenAddr=127.0.0.1:{ap}", "-loggerLevel=ERROR"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait(f"http://127.0.0.1:{ap}/metrics"); return p
vm = start_vm()
ne = subprocess.Popen(["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{np}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
va = start_vmagent()
t0 = time.time(); time.sleep(5)
vm.terminate(); vm.wait(); outage = time.time()
time.sleep(5)
va.kill(); va.wait(); killed = time.time()
va = start_vmagent(); restarted = time.time()
time.sleep(6)
vm = start_vm(); back = time.time()
time.sleep(10)
urllib.request.urlopen(f"http://127.0.0.1:{vp}/internal/force_flush").read()
q = urllib.parse.urlencode({"match[]": 'up{job="node"}'})
lines = urllib.request.urlopen(f"http://127.0.0.1:{vp}/api/v1/export?{q}").read().decode().splitlines()
ts = sorted(t for l in lines for t in json.loads(l)["timestamps"])
gaps = [(b - a) / 1000 for a, b in zip(ts, ts[1:])]
missing = sum(max(0, round(g) - 1) for g in gaps)
print(f"stored {len(ts)} scrapes; gaps over 1.5 s: {[round(g,1) for g in gaps if g > 1.5]}; missing scrapes ~{missing}")
print(f"outage {back-outage:.1f} s; vmagent dead {restarted-killed:.1f} s (kill at +{killed-outage:.1f} s into the outage)")
for p in (va, ne, vm): p.terminate(); p.wait()
shutil.rmtree(work, ignore_errors=True)
