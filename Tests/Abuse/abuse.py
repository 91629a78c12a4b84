"""Attacks the agent's endpoint on loopback while a well-behaved client keeps asking for /metrics.

Usage: abuse.py PORT SECONDS. Prints one JSON object: how the good client fared (every answer must be a
200) and what each attack got back. Every loop is bounded in count and time; only 127.0.0.1 is touched.
"""
import asyncio
import json
import os
import random
import resource
import sys
import time

import h2.config
import h2.connection

PORT, SECONDS = int(sys.argv[1]), float(sys.argv[2])
HOST = "127.0.0.1"
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
results = {}


async def read_status(reader, timeout=5.0):
    try:
        line = await asyncio.wait_for(reader.readline(), timeout)
    except asyncio.TimeoutError:
        return "timeout"
    except ConnectionError:
        return "reset"
    return line.decode(errors="replace").split(" ")[1] if line.startswith(b"HTTP/") else ("closed" if not line else "?")


async def good_client(deadline):
    ok, failures, latencies = 0, [], []
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), 2)
            writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            body = await asyncio.wait_for(reader.read(), 2)
            writer.close()
            if body.startswith(b"HTTP/1.1 200"):
                ok += 1
                latencies.append(time.monotonic() - started)
            else:
                failures.append(body[:40].decode(errors="replace"))
        except Exception as error:  # noqa: BLE001 - any failure of the good client is the finding
            failures.append(repr(error))
        await asyncio.sleep(0.02)
    latencies.sort()
    results["good"] = {"ok": ok, "failures": failures[:5], "failure_count": len(failures),
                       "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2) if latencies else None}


async def idle_connections(count, deadline):
    writers = []
    for _ in range(count):
        try:
            _, writer = await asyncio.open_connection(HOST, PORT)
            writers.append(writer)
        except OSError:
            break
    results["idle_opened"] = len(writers)
    await asyncio.sleep(max(0, deadline - time.monotonic()))
    for writer in writers:
        writer.close()


async def slowloris(count, deadline):
    outcomes = []

    async def one():
        reader, writer = await asyncio.open_connection(HOST, PORT)
        writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        outcome = "held"  # still open at the deadline: the slot was never given back
        while time.monotonic() < deadline:
            try:
                writer.write(b"X-a: b\r\n")
                await writer.drain()
            except ConnectionError:
                outcome = "reset"
                break
            status = await read_status(reader, timeout=0.5)
            if status != "timeout":
                outcome = status
                break
        outcomes.append(outcome)
        writer.close()

    await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)
    results["slowloris"] = sorted(set(outcomes))


async def huge_headers():
    reader, writer = await asyncio.open_connection(HOST, PORT)
    writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n")
    results["headers_64k"] = await read_status(reader)
    writer.close()


async def random_bytes(count):
    outcomes = set()
    rng = random.Random(7)
    for _ in range(count):
        reader, writer = await asyncio.open_connection(HOST, PORT)
        writer.write(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4096))) + b"\r\n\r\n")
        outcomes.add(await read_status(reader))
        writer.close()
    results["random_bytes"] = sorted(outcomes)


async def h2_flood(kind, frames):
    reader, writer = await asyncio.open_connection(HOST, PORT)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    writer.write(conn.data_to_send())
    base = [(":method", "GET"), (":scheme", "http"), (":authority", "x"), (":path", "/metrics")]
    sent, ended = 0, False
    try:
        for n in range(frames):
            if writer.is_closing() or reader.at_eof():
                ended = True
                break
            if kind == "ping":
                writer.write(b"\x00\x00\x08\x06\x00\x00\x00\x00\x00" + n.to_bytes(8, "big"))
            elif kind == "settings":
                writer.write(b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
            else:  # rapid reset: open a stream and cancel it at once
                stream = conn.get_next_available_stream_id()
                conn.send_headers(stream, base, end_stream=True)
                conn.reset_stream(stream)
                writer.write(conn.data_to_send())
            sent += 1
            if n % 100 == 0:
                await writer.drain()
    except ConnectionError:
        ended = True
    # We never read: acknowledgements pile up on the server's side until it gives up on us, which shows
    # as end of stream or a reset (it closed with our unread frames in its buffer).
    if not ended:
        try:
            while await asyncio.wait_for(reader.read(65536), 10):
                pass
            ended = True
        except ConnectionError:
            ended = True
        except asyncio.TimeoutError:
            pass
    writer.close()
    results["h2_" + kind] = {"frames_sent": sent, "connection_ended": ended}


async def main():
    deadline = time.monotonic() + SECONDS
    good = asyncio.create_task(good_client(deadline))
    await asyncio.sleep(0.3)
    await asyncio.gather(
        idle_connections(1000, deadline), slowloris(20, deadline), huge_headers(), random_bytes(50),
        h2_flood("ping", 20000), h2_flood("settings", 5000), h2_flood("reset", 5000))
    await good
    print(json.dumps(results, sort_keys=True))


asyncio.run(main())
