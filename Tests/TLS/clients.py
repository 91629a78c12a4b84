#!/usr/bin/env python3
"""Python's HTTPS clients against the agent: httpx over HTTP/1.1 and over HTTP/2 (ALPN), and requests;
then session resumption with the ssl module, over TLS 1.2 (session id) and 1.3 (ticket).
    clients.py URL CA_FILE [CLIENT_CERT CLIENT_KEY]
Prints one JSON object: for each client, the status, the HTTP version it spoke and the body's length;
for each TLS version, whether a second connection resumed the first one's session."""
import json
import socket
import ssl
import sys
import urllib.parse

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


def resumed(version):
    """A whole request on one connection (reading it to the end also reads the ticket a TLS 1.3 server sends
    after the handshake), then a second connection offering the first one's session."""
    context = ssl.create_default_context(cafile=ca)
    if cert:
        context.load_cert_chain(*cert)
    context.minimum_version = context.maximum_version = version
    address = urllib.parse.urlsplit(url)
    session, reused = None, False
    for _ in range(2):
        raw = socket.create_connection((address.hostname, address.port), timeout=10)
        tls = context.wrap_socket(raw, server_hostname=address.hostname, session=session)
        tls.sendall(f"GET {address.path} HTTP/1.1\r\nHost: {address.hostname}\r\nConnection: close\r\n\r\n".encode())
        while tls.recv(65536):
            pass
        reused, session = tls.session_reused, tls.session
        tls.close()
    return reused


report["resumed_tls12"] = resumed(ssl.TLSVersion.TLSv1_2)
report["resumed_tls13"] = resumed(ssl.TLSVersion.TLSv1_3)
print(json.dumps(report))
