"""Attacks on the endpoint's memory and connection slots, each bounded in time, while a well-behaved client
keeps fetching /metrics on fresh connections; the agent's RSS is sampled from /proc/PID/status throughout.

Usage:
  exhaustion.py attacks PORT PID SECONDS [NAME,...]   the attacks below (or those named), one after another
  exhaustion.py busy PORT LIMIT            LIMIT busy clients hold every slot; one more must get a 503
  exhaustion.py pingidle PORT              an HTTP/2 connection with no stream, PINGing every 0.2 s: seconds
                                           until the agent closes it (gives up after 10)

Attacks (loopback only; every loop is bounded in count and time):
  h2_window0   250 HTTP/2 connections announcing SETTINGS_INITIAL_WINDOW_SIZE=0, 100 /metrics streams each
  h1_pipeline  250 HTTP/1.1 connections pipelining 500 /metrics requests each and never reading
  h2_ping      256 HTTP/2 connections each holding one stream open and PINGing, reconnecting when closed
  slowloris    256 HTTP/1.1 connections trickling header lines, reconnecting when closed

Prints one JSON object: per attack the RSS before, the peak during, the RSS once the agent has closed
every attacking connection (its descriptor count back to where it was), how the good client fared, how
many times the agent ended an attacking connection, and how many it still held open at the deadline.
"""
import asyncio
import json
import os
import resource
import socket
import struct
import sys
import time

import h2.config
import h2.connection
import h2.settings

HOST = "127.0.0.1"
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
METRICS = [(":method", "GET"), (":scheme", "http"), (":authority", "x"), (":path", "/metrics")]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def established(writer):
    """Whether the agent still holds the connection open: TCP_INFO's state, without reading what it sent
    (a FIN puts our side in CLOSE_WAIT, a reset in CLOSE)."""
    sock = writer.get_extra_info("socket")
    try:
        return struct.unpack("B", sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[:1])[0] == 1
    except OSError:
        return False


def h2_opening(window, streams, end_stream=True):
    """The bytes a client sends to open `streams` /metrics streams; the same on every fresh connection."""
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    if window is not None:
        conn.local_settings = h2.settings.Settings(
            client=True, initial_values={h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: window})
    conn.initiate_connection()
    for _ in range(streams):
        conn.send_headers(conn.get_next_available_stream_id(), METRICS, end_stream=end_stream)
    return conn.data_to_send()


async def good_client(port, deadline, report):
    """Fresh connections, one /metrics each, until the deadline: every one must be a 200."""
    ok, failures, slowest = 0, [], 0.0
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 3)
            writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            body = await asyncio.wait_for(reader.read(), 3)
            writer.close()
            head, _, content = body.partition(b"\r\n\r\n")
            length = [line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
            if head.startswith(b"HTTP/1.1 200") and length and int(length[0].split(b":")[1]) == len(content):
                ok += 1
                slowest = max(slowest, time.monotonic() - started)
            else:
                failures.append(body[:60].decode(errors="replace"))
        except Exception as error:  # noqa: BLE001 - any failure of the good client is the finding
            failures.append(repr(error))
        await asyncio.sleep(0.05)
    report.update(good_ok=ok, good_failures=len(failures), good_failure_samples=failures[:3],
                  good_slowest_ms=round(slowest * 1000))


GRACE_SECONDS = 5


async def hold(port, opening, deadline, read, ping=False, reconnect=False):
    """One attacking connection: sends `opening`, then (PINGs and) waits; reads only if `read`. Returns how
    many times the agent ended it, and whether it was still open at the deadline."""
    ended = 0
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 2)
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(0.1)
            continue
        try:
            writer.write(opening)
            n = 0
            while time.monotonic() < deadline:
                if ping:
                    writer.write(b"\x00\x00\x08\x06\x00\x00\x00\x00\x00" + n.to_bytes(8, "big"))
                    n += 1
                if read:
                    try:
                        if not await asyncio.wait_for(reader.read(65536), 0.5):
                            break
                    except asyncio.TimeoutError:
                        pass
                else:
                    await asyncio.sleep(0.5)
                    if not reconnect and not established(writer):
                        break
        except (ConnectionError, OSError):
            pass
        # A connection still open at the deadline gets a grace of GRACE_SECONDS to be closed: on a loaded
        # machine (the whole suite in parallel on two cores) the agent may accept late, which starts its
        # timeout late; one the agent never closes is still held when the grace runs out.
        grace = deadline + GRACE_SECONDS
        while time.monotonic() >= deadline and established(writer) and time.monotonic() < grace:
            await asyncio.sleep(0.1)
        if time.monotonic() < deadline or not established(writer):
            ended += 1
        else:
            writer.close()
            return ended, True
        writer.close()
        if not reconnect:
            await asyncio.sleep(max(0, deadline - time.monotonic()))
            return ended, False
    return ended, False


async def slowloris_one(port, deadline):
    ended = 0
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 2)
            writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            while time.monotonic() < deadline:
                writer.write(b"X-a: b\r\n")
                await writer.drain()
                try:
                    if not await asyncio.wait_for(reader.read(4096), 0.5):
                        break
                except asyncio.TimeoutError:
                    pass
            if time.monotonic() >= deadline and established(writer):
                writer.close()
                return ended, True
            ended += 1
            writer.close()
        except (ConnectionError, OSError, asyncio.TimeoutError):
            ended += 1
            await asyncio.sleep(0.05)
    return ended, False


async def attack(name, port, pid, seconds, attackers):
    report = {}
    base_fds, before = open_fds(pid), rss_kib(pid)
    deadline = time.monotonic() + seconds
    peak = before
    tasks = [asyncio.ensure_future(a(deadline)) for a in attackers]
    await asyncio.sleep(0.5)  # let the attackers connect before the good client starts measuring
    good = asyncio.ensure_future(good_client(port, deadline, report))
    while time.monotonic() < deadline:
        peak = max(peak, rss_kib(pid))
        await asyncio.sleep(0.05)
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    await good
    report.update(ended_by_agent=sum(o[0] for o in outcomes if isinstance(o, tuple)),
                  held_at_deadline=sum(o[1] for o in outcomes if isinstance(o, tuple)),
                  attacker_errors=sum(not isinstance(o, tuple) for o in outcomes))
    peak = max(peak, rss_kib(pid))
    # After: once the agent holds no more descriptors than before the attack (it has closed them all).
    settle = time.monotonic() + 10
    while open_fds(pid) > base_fds + 2 and time.monotonic() < settle:
        await asyncio.sleep(0.05)
    report.update(rss_before_kib=before, rss_peak_kib=peak, rss_after_kib=rss_kib(pid),
                  fds_left=open_fds(pid) - base_fds)
    return name, report


async def attacks(port, pid, seconds, only):
    window0 = h2_opening(0, 100)
    pipeline = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 500
    one_open = h2_opening(None, 1, end_stream=False)
    plans = [
        ("h2_window0", [lambda d: hold(port, window0, d, read=False) for _ in range(250)]),
        ("h1_pipeline", [lambda d: hold(port, pipeline, d, read=False) for _ in range(250)]),
        ("h2_ping", [lambda d: hold(port, one_open, d, read=True, ping=True, reconnect=True) for _ in range(256)]),
        ("slowloris", [lambda d: slowloris_one(port, d) for _ in range(256)]),
    ]
    results = {}
    for name, attackers in plans:
        if only and name not in only:
            continue
        key, report = await attack(name, port, pid, seconds, attackers)
        results[key] = report
    print(json.dumps(results, sort_keys=True))


async def busy(port, limit):
    """`limit` clients each pipeline /metrics requests and read slowly, so each is being answered and none
    is idle; one more connection must then get the 503 whole (status line and end of stream), not a reset."""
    stop = asyncio.Event()

    async def slow_reader():
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 200)
        while not stop.is_set():
            try:
                if not await asyncio.wait_for(reader.read(8192), 0.05):
                    return
            except asyncio.TimeoutError:
                pass
            await asyncio.sleep(0.05)
        writer.close()

    readers = [asyncio.ensure_future(slow_reader()) for _ in range(limit)]
    await asyncio.sleep(0.5)  # all of them connected and being answered
    outcome = {}
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), 5)
        outcome["answer"] = answer.split(b"\r\n")[0].decode(errors="replace")
        outcome["whole"] = answer.endswith(b"\r\n\r\n")
        writer.close()
    except Exception as error:  # noqa: BLE001 - a reset is the finding
        outcome["answer"] = repr(error)
    stop.set()
    await asyncio.gather(*readers, return_exceptions=True)
    print(json.dumps(outcome, sort_keys=True))


async def ping_idle(port):
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(h2_opening(None, 0))
    started, n = time.monotonic(), 0
    while time.monotonic() - started < 10:
        writer.write(b"\x00\x00\x08\x06\x00\x00\x00\x00\x00" + n.to_bytes(8, "big"))
        n += 1
        try:
            if not await asyncio.wait_for(reader.read(65536), 0.2):
                break
        except asyncio.TimeoutError:
            pass
        except ConnectionError:
            break
    print(json.dumps({"closed_after_s": round(time.monotonic() - started, 2), "pings": n}))


if sys.argv[1] == "attacks":
    asyncio.run(attacks(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]),
                        sys.argv[5].split(",") if len(sys.argv) > 5 else None))
elif sys.argv[1] == "pingidle":
    asyncio.run(ping_idle(int(sys.argv[2])))
else:
    asyncio.run(busy(int(sys.argv[2]), int(sys.argv[3])))
