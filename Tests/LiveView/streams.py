"""Clients of /api/v1/stream for the end-to-end tests. Usage: streams.py BASE_URL MODE [ARGS]. Prints one JSON
object. Every loop is bounded in count and time.

  events N        HTTP/1.1 (a raw socket): the first N events' names and ids, and the seconds between them
  h2events N      the same over HTTP/2 (httpx, prior knowledge)
  stalled PID N   N readers open the stream and never read; meanwhile one reader counts events and a client
                  fetches /metrics on fresh connections. The agent's RSS (VmRSS of PID) before and after.
  cap N           opens N streams, then one more: the status line that one gets
  http10          an HTTP/1.0 reader (no chunked coding for it): the head and the first bytes of the body
"""
import json
import socket
import sys
import time
import urllib.parse
import urllib.request

BASE, MODE = sys.argv[1], sys.argv[2]
HOST, PORT = urllib.parse.urlsplit(BASE).hostname, urllib.parse.urlsplit(BASE).port
DEADLINE = time.monotonic() + 60


def open_stream(fields=None, receive_buffer=None):
    s = socket.create_connection((HOST, PORT), timeout=10)
    if receive_buffer:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    target = "/api/v1/stream" + (f"?fields={fields}" if fields else "")
    s.sendall(f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/event-stream\r\n\r\n".encode())
    return s


def events_from(chunks):
    """Parses SSE events out of a chunked HTTP/1.1 body as it arrives: yields (event, id, data, when)."""
    buffer = b""
    head_done = False
    for chunk in chunks:
        buffer += chunk
        if not head_done:
            if b"\r\n\r\n" not in buffer:
                continue
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            assert head.startswith(b"HTTP/1.1 200"), head
            assert b"text/event-stream" in head and b"chunked" in head.lower(), head
            head_done = True
        while True:  # chunked framing: size line, data, CRLF
            if b"\r\n" not in buffer:
                break
            size_line, rest = buffer.split(b"\r\n", 1)
            size = int(size_line, 16)
            if len(rest) < size + 2:
                break
            payload, buffer = rest[:size], rest[size + 2:]
            for block in payload.decode().split("\n\n"):
                if not block.strip():
                    continue
                fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
                yield fields.get("event"), int(fields.get("id", 0)), fields.get("data"), time.monotonic()


def socket_chunks(s):
    while time.monotonic() < DEADLINE:
        data = s.recv(65536)
        if not data:
            return
        yield data


def summary(events):
    gaps = [b[3] - a[3] for a, b in zip(events, events[1:])]
    return {"events": [e[0] for e in events], "ids": [e[1] for e in events], "gaps": gaps,
            "data": [json.loads(e[2]) for e in events]}


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


if MODE == "events":
    count = int(sys.argv[3])
    s = open_stream("cpu_percent,memory_percent")
    events = []
    for event in events_from(socket_chunks(s)):
        events.append(event)
        if len(events) == count:
            break
    print(json.dumps(summary(events)))
elif MODE == "h2events":
    import httpx
    count = int(sys.argv[3])
    events = []
    with httpx.Client(http1=False, http2=True, timeout=10) as client:
        with client.stream("GET", BASE + "/api/v1/stream") as response:
            assert response.http_version == "HTTP/2", response.http_version
            assert response.headers["content-type"] == "text/event-stream"
            text = ""
            for piece in response.iter_text():
                text += piece
                while "\n\n" in text:
                    block, text = text.split("\n\n", 1)
                    fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
                    events.append((fields.get("event"), int(fields.get("id", 0)), fields.get("data"), time.monotonic()))
                if len(events) >= count or time.monotonic() > DEADLINE:
                    break
    print(json.dumps(summary(events[:count])))
elif MODE == "stalled":
    pid, count = int(sys.argv[3]), int(sys.argv[4])
    # Warm up what the first requests allocate once (the cached /metrics page, a stream's first event), so
    # that the figure is what the stalled readers cost.
    for _ in range(2):
        with urllib.request.urlopen(BASE + "/metrics", timeout=5) as response:
            response.read()
    warm = open_stream()
    next(events_from(socket_chunks(warm)))
    warm.close()
    before = rss_kib(pid)
    stalled = [open_stream(receive_buffer=4096) for _ in range(count)]
    watcher = open_stream("cpu_percent")
    seen, answered, failed = 0, 0, 0
    chunks = socket_chunks(watcher)
    peak = before
    for event in events_from(chunks):
        seen += 1
        try:
            with urllib.request.urlopen(BASE + "/metrics", timeout=5) as response:
                answered += response.status == 200 and len(response.read()) > 0
        except OSError:
            failed += 1
        peak = max(peak, rss_kib(pid))
        if seen == 12:
            break
    after = rss_kib(pid)
    # The stalled readers are still connected: their streams were either kept within the backlog or dropped.
    print(json.dumps({"rss_before_kib": before, "rss_peak_kib": peak, "rss_after_kib": after, "events_seen": seen,
                      "metrics_answered": answered, "metrics_failed": failed}))
    for s in stalled:
        s.close()
elif MODE == "http10":
    s = socket.create_connection((HOST, PORT), timeout=10)
    s.sendall(b"GET /api/v1/stream?fields=cpu_percent HTTP/1.0\r\n\r\n")
    data = b""
    while data.count(b"\n\n") < 3 and time.monotonic() < DEADLINE:  # the head and two events
        piece = s.recv(65536)
        if not piece:
            break
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    print(json.dumps({"head": head.decode(), "body": body.decode()[:200]}))
elif MODE == "cap":
    count = int(sys.argv[3])
    held = [open_stream() for _ in range(count)]
    for s in held:  # each got its head: the stream is open on the server
        head = b""
        while b"\r\n\r\n" not in head:
            head += s.recv(4096)
        assert head.startswith(b"HTTP/1.1 200"), head
    extra = open_stream()
    reply = b""
    while b"\r\n\r\n" not in reply:
        piece = extra.recv(4096)
        if not piece:
            break
        reply += piece
    print(json.dumps({"status_line": reply.split(b"\r\n", 1)[0].decode()}))
    for s in held + [extra]:
        s.close()
