#!/usr/bin/env python3
"""Abuse of the agent's TLS port while a well-behaved HTTPS client keeps fetching /metrics:
    tls_abuse.py PORT CA_FILE SECONDS
Attackers: sockets that connect and say nothing, handshakes that stop halfway (the first bytes of a real
ClientHello), handshake garbage (a TLS record header then junk, and binary noise), and slowloris over TLS
(the handshake done, then a header byte now and then). Each attacker watches for the agent to close it.
The good client makes a new connection (a full handshake) for every other request. Prints one JSON object;
the caller sets HTTP_REQUEST_TIMEOUT (3 s) and asserts."""
import json
import os
import select
import socket
import ssl
import sys
import threading
import time

import httpx

port, ca, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
good = {"ok": 0, "failures": [], "latencies": []}
stop = threading.Event()


def good_client():
    keep = httpx.Client(verify=ca, timeout=10)
    turn = 0
    while not stop.is_set():
        started = time.monotonic()
        try:
            if turn % 2:
                answer = keep.get(f"https://127.0.0.1:{port}/metrics")
            else:
                with httpx.Client(verify=ca, timeout=10) as once:
                    answer = once.get(f"https://127.0.0.1:{port}/metrics")
            if answer.status_code == 200 and b"node_load1" in answer.content:
                good["ok"] += 1
            else:
                good["failures"].append(f"status {answer.status_code}")
        except Exception as error:  # every failure is reported, none is retried
            good["failures"].append(repr(error)[:200])
        good["latencies"].append((time.monotonic() - started) * 1000)
        turn += 1
    keep.close()


def client_hello():
    """The bytes a real client opens with, from Python's own TLS stack."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def connect():
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    raw.setblocking(False)
    return raw


attackers = []  # [kind, socket, opened_at, closed_after_seconds or None]


def open_attackers():
    hello = client_hello()
    for _ in range(150):
        attackers.append(["idle", connect(), time.monotonic(), None])
    for _ in range(100):
        raw = connect()
        raw.send(hello[: len(hello) // 2])
        attackers.append(["half_handshake", raw, time.monotonic(), None])
    for i in range(40):
        raw = connect()
        raw.send(b"\x16\x03\x01\x02\x00" + os.urandom(300) if i % 2 else os.urandom(300).replace(b"\x16", b"\x00"))
        attackers.append(["garbage", raw, time.monotonic(), None])
    context = ssl.create_default_context(cafile=ca)
    for _ in range(30):
        wrapped = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname="localhost")
        wrapped.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        wrapped.setblocking(False)
        attackers.append(["slowloris", wrapped, time.monotonic(), None])


def watch_attackers():
    """Marks each attacker the agent closed (end of stream, reset, or a TLS alert) and when."""
    next_trickle = time.monotonic() + 0.5
    while not stop.is_set():
        live = [a for a in attackers if a[3] is None]
        if not live:
            return
        readable, _, _ = select.select([a[1] for a in live], [], [], 0.2)
        now = time.monotonic()
        for attacker in live:
            if attacker[1] not in readable:
                continue
            try:
                data = attacker[1].recv(65536)
                if data:
                    if attacker[0] != "slowloris":
                        continue  # a TLS alert before the close: read on to the end of stream
                    attacker[3] = now - attacker[2]  # the 408 over TLS: answered and being closed
            except (ssl.SSLWantReadError, BlockingIOError):
                continue
            except (ConnectionError, ssl.SSLError, OSError):
                pass
            attacker[3] = now - attacker[2]
        if now >= next_trickle:
            next_trickle = now + 0.5
            for attacker in live:
                if attacker[0] == "slowloris" and attacker[3] is None:
                    try:
                        attacker[1].send(b"X")
                    except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                        pass
                    except (ConnectionError, ssl.SSLError, OSError):
                        attacker[3] = now - attacker[2]


threading.Thread(target=good_client, daemon=True).start()
open_attackers()
watcher = threading.Thread(target=watch_attackers, daemon=True)
watcher.start()
time.sleep(seconds)  # the attack's length: the run is bounded in time by design
stop.set()
watcher.join(5)
report = {"good": {"ok": good["ok"], "failure_count": len(good["failures"]), "failures": good["failures"][:5],
                   "p99_ms": round(sorted(good["latencies"])[int(len(good["latencies"]) * 0.99)], 1) if good["latencies"] else None}}
for kind in ("idle", "half_handshake", "garbage", "slowloris"):
    mine = [a for a in attackers if a[0] == kind]
    closed = [a[3] for a in mine if a[3] is not None]
    report[kind] = {"opened": len(mine), "closed": len(closed), "slowest_close_s": round(max(closed), 2) if closed else None}
print(json.dumps(report))
