#!/usr/bin/env python3
"""Certificate rotation against a running agent:
    rotation.py PORT CA_FILE CERT_FILE KEY_FILE NEW_CERT NEW_KEY BAD_KEY AGENT_PID LOG_FILE sighup|watch
Opens a keep-alive HTTPS connection, then renames the new pair over the served one (as cert-manager and
ACME clients do) and sends SIGHUP (sighup) or leaves the agent to notice at its next pass (watch). Reports the serial the open connection saw and whether its next request
on the same connection was answered, and the serial new connections see (polled, 10 s at most). Then puts a
key that does not match the certificate in place and SIGHUPs again: once the log says it was refused, new
connections must still get the good certificate. Prints one JSON object."""
import http.client
import json
import os
import shutil
import signal
import ssl
import sys
import time

port, ca, cert, key, new_cert, new_key, bad_key, pid, log, how = sys.argv[1:11]
context = ssl.create_default_context(cafile=ca)


def serial(connection):
    return connection.sock.getpeercert()["serialNumber"]


def fetch(connection):
    connection.request("GET", "/api/v1/health")
    answer = connection.getresponse()
    answer.read()
    return answer.status


def fresh_serial():
    connection = http.client.HTTPSConnection("127.0.0.1", int(port), context=context, timeout=10)
    try:
        fetch(connection)
        return serial(connection)
    finally:
        connection.close()


def replace(source, target):
    staged = target + ".new"
    shutil.copyfile(source, staged)
    os.rename(staged, target)


report = {}
kept = http.client.HTTPSConnection("127.0.0.1", int(port), context=context, timeout=10)
report["first_status"] = fetch(kept)
report["old_serial"] = serial(kept)
replace(new_cert, cert)
replace(new_key, key)
if how == "sighup":
    os.kill(int(pid), signal.SIGHUP)
deadline = time.monotonic() + 10
seen = fresh_serial()
while seen == report["old_serial"] and time.monotonic() < deadline:
    time.sleep(0.1)  # polling the agent from outside for a condition, bounded by the deadline
    seen = fresh_serial()
report["new_connection_serial"] = seen
report["kept_status"] = fetch(kept)
report["kept_serial"] = serial(kept)
kept.close()
replace(bad_key, key)
if how == "sighup":
    os.kill(int(pid), signal.SIGHUP)
deadline = time.monotonic() + 10
report["refusal_logged"] = False
while not report["refusal_logged"] and time.monotonic() < deadline:
    with open(log, errors="replace") as text:
        report["refusal_logged"] = "cannot be used" in text.read()
    time.sleep(0.1)  # polling the agent's log for the line, bounded by the deadline
report["after_bad_serial"] = fresh_serial()
print(json.dumps(report))
