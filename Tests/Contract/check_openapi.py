"""Checks openapi.yaml against the running agent: the spec is valid OpenAPI 3.1, every documented path
answers, and every JSON body, status and documented header matches what the spec says for it.

Usage: check_openapi.py SPEC BASE_URL. Prints one line per check and exits non-zero on any mismatch."""
import json
import sys
import urllib.error
import urllib.request

import jsonschema
import yaml
from openapi_spec_validator import validate

spec_path, base = sys.argv[1], sys.argv[2].rstrip("/")
spec = yaml.safe_load(open(spec_path))
validate(spec)
failures = []


def deref(node):
    if isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return deref(target)
    return node


def fetch(path, method="GET", accept="application/json"):
    request = urllib.request.Request(base + path, method=method, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def check(path, method, expected_status, documented_path=None, accept="application/json"):
    documented_path = documented_path or path.split("?")[0]
    operation = spec["paths"][documented_path]["get"]
    status, headers, body = fetch(path, method, accept)
    label = f"{method} {path} -> {status}"
    if status != expected_status:
        failures.append(f"{label}: expected {expected_status}")
        return
    response = deref(operation["responses"].get(str(status)))
    if response is None:
        failures.append(f"{label}: status not documented")
        return
    for name, header in (response.get("headers") or {}).items():
        schema = deref(header["schema"])
        value = headers.get(name)
        if value is None:
            failures.append(f"{label}: documented header {name} missing")
        elif "const" in schema and value != schema["const"]:
            failures.append(f"{label}: header {name}={value!r}, spec says {schema['const']!r}")
    content_type = headers.get("Content-Type", "").split(";")[0]
    if status == 204 and not body and "content" not in response:
        print(f"ok  {label} (no content)")
        return
    if content_type not in response.get("content", {}):
        failures.append(f"{label}: content type {content_type} not documented")
        return
    if content_type == "application/json":
        schema = dict(response["content"][content_type]["schema"])
        schema["components"] = spec["components"]
        try:
            jsonschema.validate(json.loads(body), {"$ref": "#/$defs/root", "$defs": {"root": schema},
                                                   "components": spec["components"]},
                                cls=jsonschema.Draft202012Validator)
        except jsonschema.ValidationError as error:
            failures.append(f"{label}: {error.message} at {list(error.absolute_path)}")
            return
    print(f"ok  {label} {content_type}")


# The stream never ends: its GET is checked by its head alone (HEAD), the rest by LiveViewTests.
STREAMS = {"/api/v1/stream"}
NO_CONTENT = {"/api/v1/session"}
for documented in spec["paths"]:
    if documented in STREAMS:
        check(documented, "HEAD", 200, accept="text/event-stream")
    elif documented in NO_CONTENT:
        check(documented, "GET", 204)
    else:
        check(documented, "GET", 200)
check("/", "GET", 200, accept="text/html")
check("/api/v1/history?since=-60&fields=cpu_percent", "GET", 200)
check("/api/v1/history?fields=not_a_figure", "GET", 200)
check("/?sort=name", "GET", 400)
check("/api/v1/metrics?pretty", "GET", 200)
check("/api/v1/processes?limit=3&sort=io", "GET", 200)
check("/api/v1/processes?sort=memory", "GET", 200)
check("/api/v1/processes?limit=0", "GET", 400)
check("/api/v1/processes?sort=name", "GET", 400)
check("/metrics?collect[]=cpu&exclude[]=memory", "GET", 200)
check("/metrics?collect[]=gpu", "GET", 400)
check("/metrics", "GET", 200, accept="application/openmetrics-text; version=1.0.0")
for documented in spec["paths"]:
    check(documented, "POST", 405)
status, _, body = fetch("/not/a/route")
if status != 404 or set(json.loads(body)) != {"error", "status"}:
    failures.append(f"GET /not/a/route -> {status}: expected a 404 Error body")

# The collector names the spec lists are exactly the ones the agent runs, in its order.
status, _, body = fetch("/api/v1/health")
running = [c["name"] for c in json.loads(body)["collectors"]]
documented = deref({"$ref": "#/components/schemas/CollectorName"})["enum"]
if running != documented:
    failures.append(f"CollectorName lists {documented}; the agent runs {running}")

for failure in failures:
    print("FAIL " + failure)
sys.exit(1 if failures else 0)
