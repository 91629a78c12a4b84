#!/usr/bin/env python3
"""Python's HTTPS clients against the agent: httpx over HTTP/1.1 and over HTTP/2 (ALPN), and requests.
    clients.py URL CA_FILE [CLIENT_CERT CLIENT_KEY]
Prints one JSON object: for each client, the status, the HTTP version it spoke and the body's length."""
import json
import sys

import httpx
import requests

url, ca = sys.argv[1], sys.argv[2]
cert = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else None
report = {}
for name, http2 in (("httpx_h1", False), ("httpx_h2", True)):
    with httpx.Client(verify=ca, cert=cert, http1=not http2, http2=http2, timeout=10) as client:
        answer = client.get(url)
        report[name] = {"status": answer.status_code, "version": answer.http_version, "length": len(answer.content)}
answer = requests.get(url, verify=ca, cert=cert, timeout=10)
report["requests"] = {"status": answer.status_code, "version": "HTTP/1.1" if answer.raw.version == 11 else str(answer.raw.version),
                      "length": len(answer.content)}
print(json.dumps(report))
