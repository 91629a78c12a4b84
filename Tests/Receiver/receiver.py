"""A dashboard receiver for the tests: it enforces every rule of ../shared/dashboard-protocol.md the way
the real (Laravel) dashboard does, stores what it accepted, and can be told to fail.

Usage: receiver.py [--tls CERT KEY]. Prints "listening PORT" once ready. Control (not part of the
protocol): POST /_control {"mode": "ok|500|503|429|drop|slow", "retry_after": N, "retry_after_date": true|false,
"reject_next_metrics": N, "refuse_registration": true|false, "chunked": true|false, "close_after_answer": true|false}
and GET /_state (everything accepted, in arrival order, and how many connections the agent opened).
"""
import ipaddress
import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.RLock()  # answer() records the request while a handler holds the lock
state = {
    "agents": {},        # hwid -> {"agent_id", "hostname", "token", "uuid"}
    "metrics": [],       # accepted items, with batch_id and arrival time
    "batches": [],       # {"batch_id", "count", "time"}
    "services": None,    # the last accepted list
    "heartbeats": 0,
    "registrations": 0,
    "requests": [],      # (time, method, path, status, request body bytes)
    "stalled": 0,        # requests held by "slow" mode so far (counted when they arrive, not when answered)
    # Stored again all the same, as the dashboard does (it does not deduplicate): a batch_id seen before,
    # and items whose (metric_type, recorded_at) was seen before.
    "duplicate_batches": 0,
    "duplicate_items": 0,
    "agent_connections": 0,  # connections that carried a request from shelter-agent (keep-alive reuses one)
}
agent_connections = set()
connection_ids = iter(range(1, 1 << 62))
seen_items = set()
control = {"mode": "ok", "retry_after": None, "retry_after_date": False, "reject_next_metrics": 0,
           "refuse_registration": False, "chunked": False, "close_after_answer": False}
METRIC_TYPES = {"cpu", "memory", "disk", "network", "io"}


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.connection_id = next(connection_ids)

    def answer(self, status, body, headers=()):
        data = json.dumps(body).encode()
        agent = (self.headers.get("User-Agent") or "").startswith("shelter-agent/")
        # Control requests come from the test's curl: only the agent's see the modes below.
        chunked = control["chunked"] and agent
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if chunked:  # in pieces of 7 bytes, with an extension and a trailer, as a proxy might re-chunk it
            for i in range(0, len(data), 7):
                self.wfile.write(b"%x;piece=%d\r\n%s\r\n" % (len(data[i:i + 7]), i, data[i:i + 7]))
            self.wfile.write(b"0\r\nX-Trailer: done\r\n\r\n")
        else:
            self.wfile.write(data)
        if agent and control["close_after_answer"]:
            # Closed without "Connection: close", as a server's idle timeout does after the answer.
            self.close_connection = True
        with lock:
            if agent:
                agent_connections.add(self.connection_id)
                state["agent_connections"] = len(agent_connections)
            state["requests"].append((time.time(), self.command, self.path, status,
                                      int(self.headers.get("Content-Length") or 0)))

    def invalid(self, errors):
        # Laravel answers a failed validation with a redirect unless the client asked for JSON.
        if "application/json" not in (self.headers.get("Accept") or ""):
            self.send_response(302)
            self.send_header("Location", "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.answer(422, {"message": next(iter(errors.values()))[0], "errors": errors})

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def agent_for(self, payload):
        header = self.headers.get("Authorization") or ""
        token = header[7:] if header.startswith("Bearer ") else (payload or {}).get("api_token")
        if not token:
            self.answer(401, {"success": False, "message": "API token required"})
            return None
        for agent in state["agents"].values():
            if agent["token"] == token:
                return agent
        self.answer(401, {"success": False, "message": "Invalid API token"})
        return None

    def do_GET(self):
        if self.path == "/_state":
            with lock:
                return self.answer(200, state)
        if self.path == "/health":
            return self.answer(200, {"status": "healthy", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        self.answer(404, {"success": False, "message": "Not found"})

    def do_POST(self):
        payload = self.body()
        if self.path == "/_control":
            with lock:
                control.update(payload)
            return self.answer(200, control)
        mode = control["mode"]
        if mode == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if mode == "slow":
            with lock:
                state["stalled"] += 1
            time.sleep(30)
        if mode in ("500", "503"):
            return self.answer(int(mode), {"success": False, "message": "Server Error"})
        if mode == "429":
            retry = control.get("retry_after")
            if retry and control.get("retry_after_date"):  # the HTTP-date form, which libcurl also read
                retry = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + retry))
            return self.answer(429, {"message": "Too Many Attempts."}, [("Retry-After", str(retry))] if retry else [])
        if self.headers.get("Content-Type", "").split(";")[0] != "application/json" or payload is None:
            return self.invalid({"body": ["The body must be JSON."]})
        with lock:
            route = {"/agent/register": self.register, "/agent/heartbeat": self.heartbeat,
                     "/metrics": self.metrics, "/services": self.services}.get(self.path)
            if route is None:
                return self.answer(404, {"success": False, "message": "Not found"})
            route(payload)

    def register(self, p):
        if control["refuse_registration"]:
            return self.invalid({"hwid": ["The hwid has already been taken."]})
        errors = {}
        for field, limit in (("agent_id", 255), ("hwid", 255), ("hostname", 255), ("os_type", 50),
                             ("os_version", 255), ("api_token", 255)):
            if not isinstance(p.get(field), str) or not p[field]:
                errors[field] = [f"The {field} field is required."]
            elif len(p[field]) > limit:
                errors[field] = [f"The {field} may not be greater than {limit} characters."]
        for field in ("cpu_cores", "total_memory", "total_disk"):
            if not isinstance(p.get(field), int) or isinstance(p.get(field), bool):
                errors[field] = [f"The {field} must be an integer."]
        try:
            ipaddress.ip_address(p.get("ip_address") or "")
        except ValueError:
            errors["ip_address"] = ["The ip address must be a valid IP address."]
        if errors:
            return self.invalid(errors)
        # Column limits the validator does not check: the database refuses, the app answers 500.
        if len(p["os_version"]) > 100 or len(p["api_token"]) > 64:
            return self.answer(500, {"message": "Server Error"})
        state["registrations"] += 1
        known = state["agents"].get(p["hwid"])
        if any(a["hostname"] == p["hostname"] and h != p["hwid"] for h, a in state["agents"].items()):
            return self.answer(500, {"message": "Server Error"})
        if known:
            # The quirk: the known agent keeps its old token, although the new one is echoed back.
            return self.answer(200, {"success": True, "message": "Agent already registered",
                                     "agent_id": known["uuid"], "api_token": p["api_token"]})
        uuid = f"uuid-{len(state['agents']) + 1}"
        state["agents"][p["hwid"]] = {"agent_id": p["agent_id"], "hostname": p["hostname"], "token": p["api_token"],
                                      "uuid": uuid, "ip_address": p["ip_address"], "os_version": p["os_version"]}
        self.answer(201, {"success": True, "message": "Agent registered successfully", "agent_id": uuid,
                          "api_token": p["api_token"]})

    def heartbeat(self, p):
        if self.agent_for(p):
            state["heartbeats"] += 1
            self.answer(200, {"success": True, "message": "Heartbeat received"})

    def metrics(self, p):
        agent = self.agent_for(p)
        if not agent:
            return
        items = p.get("metrics")
        if not isinstance(items, list) or not items:
            return self.invalid({"metrics": ["The metrics field is required."]})
        errors = {}
        for i, item in enumerate(items):
            if not isinstance(item, dict) or item.get("metric_type") not in METRIC_TYPES:
                errors[f"metrics.{i}.metric_type"] = ["The selected metrics.%d.metric_type is invalid." % i]
            elif not is_number(item.get("value")) or item["value"] < 0:
                errors[f"metrics.{i}.value"] = ["The metrics.%d.value must be at least 0." % i]
            elif "unit" in item and (not isinstance(item["unit"], str) or len(item["unit"]) > 20):
                errors[f"metrics.{i}.unit"] = ["The metrics.%d.unit may not be greater than 20 characters." % i]
        if control["reject_next_metrics"] > 0:
            control["reject_next_metrics"] -= 1
            errors["metrics.0.metric_type"] = ["The selected metrics.0.metric_type is invalid."]
        if errors:
            return self.invalid(errors)
        if any(item["value"] >= 1e8 for item in items):  # decimal(10,2)
            return self.answer(500, {"message": "Server Error"})
        now = time.time()
        if any(b["batch_id"] == p.get("batch_id") for b in state["batches"]):
            state["duplicate_batches"] += 1
        for item in items:
            key = (item.get("metric_type"), item.get("recorded_at"))
            if key in seen_items:
                state["duplicate_items"] += 1
            seen_items.add(key)
            state["metrics"].append(dict(item, batch_id=p.get("batch_id"), received=now))
        state["batches"].append({"batch_id": p.get("batch_id"), "count": len(items), "time": now})
        self.answer(201, {"success": True, "count": len(items)})

    def services(self, p):
        if not self.agent_for(p):
            return
        services = p.get("services")
        if not isinstance(services, list) or not services:
            return self.invalid({"services": ["The services field is required."]})
        errors = {}
        for i, s in enumerate(services):
            if not isinstance(s, dict) or not isinstance(s.get("name"), str) or len(s["name"]) > 255:
                errors[f"services.{i}.name"] = ["The services.%d.name field is required." % i]
            elif not isinstance(s.get("pid"), int):
                errors[f"services.{i}.pid"] = ["The services.%d.pid must be an integer." % i]
            for field in ("cpu_percent", "memory_percent", "memory_mb", "disk_read_mb", "disk_write_mb"):
                if field in s and s[field] is not None and not is_number(s[field]):
                    errors[f"services.{i}.{field}"] = ["must be a number."]
        if errors:
            return self.invalid(errors)
        for s in services:  # decimal(5,2) and varchar(100) columns
            if any((s.get(f) or 0) >= 1000 for f in ("cpu_percent", "memory_percent")) or len(s.get("user") or "") > 100:
                return self.answer(500, {"message": "Server Error"})
        state["services"] = services
        self.answer(201, {"success": True, "count": len(services)})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening", server.server_address[1], flush=True)
    server.serve_forever()


main()
