#!/usr/bin/env python3
"""A Prometheus remote-write receiver for the tests: decodes what the agent sends with the official
protobuf runtime (Python's `protobuf`) against remote.proto, compiled here with protoc, and a snappy block
decoder written from the format description (so libsnappy is not checking itself). Keeps every sample and
every request's headers; /_control makes it fail in the ways receivers fail. Loopback only.

Prints "listening on <port>" once ready; `--tls CERT KEY CLIENT_CA` serves HTTPS and requires a client
certificate. GET /_state: JSON of what arrived. POST /_control: {"mode": ...}
with mode ok | fail503 | reject400 | drop | retry429 (with "retry_after": seconds)."""
import importlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))


def load_messages():
    out = tempfile.mkdtemp(prefix="rw-proto-")
    subprocess.run(["protoc", f"--proto_path={HERE}", f"--python_out={out}", "remote.proto"], check=True)
    sys.path.insert(0, out)
    return importlib.import_module("remote_pb2")


def snappy_uncompress(data: bytes) -> bytes:
    """Snappy's block format: a varint length, then literals and copies (format_description.txt)."""
    length, shift, pos = 0, 0, 0
    while True:
        byte = data[pos]
        pos += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:
            size = tag >> 2
            if size >= 60:
                extra = size - 59
                size = int.from_bytes(data[pos:pos + extra], "little")
                pos += extra
            size += 1
            out += data[pos:pos + size]
            pos += size
            continue
        if kind == 1:
            size = ((tag >> 2) & 7) + 4
            offset = ((tag >> 5) << 8) | data[pos]
            pos += 1
        elif kind == 2:
            size = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 2], "little")
            pos += 2
        else:
            size = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        if offset == 0 or offset > len(out):
            raise ValueError("bad copy offset")
        for _ in range(size):
            out.append(out[-offset])
    if len(out) != length:
        raise ValueError(f"length {len(out)} != declared {length}")
    return bytes(out)


pb = load_messages()
lock = threading.Lock()
state = {"mode": "ok", "retry_after": 1, "requests": [], "samples": [], "problems": [], "refused": 0, "refused_times": [],
         "authorization": []}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_state":
            with lock:
                body = json.dumps(state).encode()
            return self.reply(200, body, [("Content-Type", "application/json")])
        self.reply(404)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/_control":
            with lock:
                state.update(json.loads(body))
            return self.reply(204)
        with lock:
            mode, retry_after = state["mode"], state["retry_after"]
            if self.headers.get("Authorization") not in state["authorization"]:
                state["authorization"].append(self.headers.get("Authorization"))
        if mode == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if mode in ("fail503", "retry429", "reject400"):
            with lock:
                state["refused"] += 1
                state["refused_times"].append(time.time())
            status = {"fail503": 503, "retry429": 429, "reject400": 400}[mode]
            headers = [("Retry-After", str(retry_after))] if mode == "retry429" else []
            return self.reply(status, b"refused by the test", headers)
        expected = {
            "Content-Encoding": "snappy",
            "Content-Type": "application/x-protobuf",
            "X-Prometheus-Remote-Write-Version": "0.1.0",
        }
        problems = [f"{name}: {self.headers.get(name)!r}" for name, value in expected.items() if self.headers.get(name) != value]
        if not (self.headers.get("User-Agent") or "").startswith("shelter-agent/"):
            problems.append(f"User-Agent: {self.headers.get('User-Agent')!r}")
        try:
            request = pb.WriteRequest()
            request.ParseFromString(snappy_uncompress(body))
        except Exception as error:  # noqa: BLE001 - any decoding failure is the finding
            problems.append(f"cannot decode: {error}")
            request = None
        series = []
        if request is not None:
            for ts in request.timeseries:
                names = [label.name for label in ts.labels]
                if names != sorted(names):
                    problems.append(f"labels not sorted: {names}")
                stamps = [s.timestamp for s in ts.samples]
                if stamps != sorted(stamps):
                    problems.append(f"samples out of order: {stamps}")
                labels = {label.name: label.value for label in ts.labels}
                # The value as Python's repr, which reads back as the very double sent: a JSON number would go
                # through Foundation's parser, which can land an ulp away.
                series.append({"labels": labels, "samples": [[s.timestamp, repr(s.value)] for s in ts.samples]})
        with lock:
            state["problems"] += problems
            state["requests"].append({"time": time.time(), "bytes": len(body), "series": len(series),
                                      "samples": sum(len(s["samples"]) for s in series)})
            state["samples"] += [[s["labels"].get("__name__"), s["labels"], sample] for s in series for sample in s["samples"]]
        self.reply(400 if problems else 204, "; ".join(problems).encode())


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # --tls CERT KEY CLIENT_CA: HTTPS that requires a client certificate signed by CLIENT_CA.
    if len(sys.argv) == 5 and sys.argv[1] == "--tls":
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(sys.argv[4])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
