"""Starting the agent and node_exporter on loopback for the Python checks (accuracy, parity, the browser test),
so each says what it measures rather than how the parties come up."""
import re
import socket
import subprocess
import sys
import time
import urllib.request


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_agent(binary, interval, environment=None):
    """The agent on a port of its own choosing; returns the process and its base URL, read from its ready
    line (the readiness signal: the first pass is done and the endpoint open)."""
    env = {"PATH": "/usr/bin:/bin", "LOG_FILE": "", "SWIFT_BACKTRACE": "enable=no"}
    env.update(environment or {})
    agent = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--collection-interval", str(interval)], env=env,
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in agent.stderr:
        found = re.search(r"serving (http://\S+)", line)
        if found:
            return agent, found.group(1)
    agent.kill()
    raise SystemExit("the agent exited before serving")


def start_node_exporter(binary, arguments=()):
    """node_exporter on a free port, once it answers; returns the process and its /metrics URL."""
    port = free_port()
    node = subprocess.Popen([binary, f"--web.listen-address=127.0.0.1:{port}", "--log.level=error", *arguments],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/metrics"
    deadline = time.monotonic() + 20
    while True:
        try:
            get(url)
            return node, url
        except OSError:
            if time.monotonic() > deadline:
                node.kill()
                raise SystemExit("node_exporter did not start")
            time.sleep(0.05)


def collection_time(agent_url):
    """When the agent's last published pass began (wall clock), by its own metric."""
    text = get(agent_url + "/metrics?collect[]=cpu")
    return float(re.search(r"^shelteragent_last_collection_timestamp_seconds (\S+)$", text, re.M).group(1))


def await_pass_after(agent_url, interval, moment):
    """Blocks until the agent has published a pass that began after `moment` (wall clock); ends the check
    after three intervals without one."""
    limit = time.monotonic() + 3 * interval
    while collection_time(agent_url) <= moment:
        if time.monotonic() > limit:
            sys.exit("the agent published no new pass")
        time.sleep(0.002)
