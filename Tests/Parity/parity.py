"""The agent as a drop-in for node_exporter: every family Debian's node_exporter exports on this host, the agent
exports too, with the same TYPE, the same label names and the same series; and its counters agree.

Usage: parity.py AGENT NODE_EXPORTER. Starts both on loopback, with one textfile directory for both, and reads
node_exporter, then a pass of the agent's that began after that read finished, then node_exporter again:
  - families: every node_exporter family outside its own Go and promhttp self-metrics and the commented
    DELIBERATE list below must be on the agent's page with the same TYPE and label names;
  - series: every series node_exporter showed in both reads must be on the agent's page (same label values),
    except for the families in SERIES_MAY_DIFFER, whose label values are moments or the exporter's own;
  - counters: before <= agent <= after, for every counter series both export;
  - gauges that cannot move between two reads (sizes, limits, identities: STEADY) must be equal.
Prints one JSON report; exits 1 on any failure.
"""
import json
import os
import shutil
import sys
import tempfile
import time

from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Support"))
from peers import await_pass_after, get, start_agent, start_node_exporter  # noqa: E402

AGENT, NODE_EXPORTER = sys.argv[1], sys.argv[2]
INTERVAL = 2.0

# node_exporter families the agent does not export, each for a reason.
DELIBERATE = {
    # The agent's version is shelteragent_build_info; pretending to be node_exporter's build would mislead.
    "node_exporter_build_info": "the agent's own build is shelteragent_build_info",
}
# Families whose series are expected to differ between two exporters read a moment apart.
SERIES_MAY_DIFFER = {
    # The collectors each exporter runs are its own.
    "node_scrape_collector_duration_seconds", "node_scrape_collector_success",
    # Each exporter's own process.
    "process_cpu_seconds_total", "process_max_fds", "process_open_fds", "process_resident_memory_bytes",
    "process_start_time_seconds", "process_virtual_memory_bytes", "process_virtual_memory_max_bytes",
}
# Gauges that hold still on a running host, whose values must therefore be equal: sizes, limits, identities.
# (A gauge that moves, free space or memory in use, can read the same twice in node_exporter by chance and
# differently in the agent between them; only these are compared.)
STEADY_SUFFIXES = ("_info", "_size_bytes", "_maximum", "_limit", "_pool_size_bits", "_mtu_bytes", "_speed_bytes")
STEADY = {"node_filesystem_files", "node_filesystem_readonly", "node_memory_MemTotal_bytes", "node_memory_SwapTotal_bytes",
          "node_boot_time_seconds", "node_os_version", "node_network_iface_id", "node_network_iface_link",
          "node_network_iface_link_mode", "node_network_address_assign_type", "node_network_name_assign_type",
          "node_network_device_id", "node_network_protocol_type", "node_network_transmit_queue_length",
          "node_network_net_dev_group", "node_time_zone_offset_seconds", "node_timex_tick_seconds",
          "node_timex_status", "node_timex_sync_status", "node_selinux_enabled", "node_filefd_maximum"}


def steady(family):
    return family in STEADY or family.endswith(STEADY_SUFFIXES)


# Families that are the exporter's own and move, so their values are not compared.
OWN = SERIES_MAY_DIFFER | {"node_textfile_mtime_seconds"}


def ignored(name):
    return name.startswith("go_") or name.startswith("promhttp_")


def read_page(url):
    """({family: (type, frozenset(label names))}, {(sample name, frozenset(labels)): value})."""
    families, samples = {}, {}
    for family in text_string_to_metric_families(get(url)):
        names = set()
        for sample in family.samples:
            names |= set(sample.labels)
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
        # prometheus_client strips _total from counter families; the sample names keep it.
        name = family.name + "_total" if family.type == "counter" else family.name
        families[name] = (family.type, frozenset(names))
    return families, samples


textfiles = tempfile.mkdtemp(prefix="parity-textfile-")
with open(os.path.join(textfiles, "backup.prom"), "w") as f:
    f.write("# HELP backup_last_success_timestamp_seconds When the backup last succeeded.\n"
            "# TYPE backup_last_success_timestamp_seconds gauge\n"
            "backup_last_success_timestamp_seconds{job=\"nightly\"} 1.7e+09\n")
agent, agent_url = start_agent(AGENT, INTERVAL, {"TEXTFILE_DIRECTORY": textfiles})
node, node_url = start_node_exporter(NODE_EXPORTER, [f"--collector.textfile.directory={textfiles}"])
failures = []
try:
    await_pass_after(agent_url, INTERVAL, 0)
    node_families, before = read_page(node_url)
    await_pass_after(agent_url, INTERVAL, time.time())
    whole_by = time.monotonic() + 30
    while True:  # one pass, whole: the page's collection time the same before and after reading it
        if time.monotonic() > whole_by:
            sys.exit("never read a page of one pass whole")
        ours_families, ours = read_page(agent_url + "/metrics")
        key = ("shelteragent_last_collection_timestamp_seconds", frozenset())
        if ours[key] == read_page(agent_url + "/metrics?collect[]=cpu")[1][key]:
            break
    _, after = read_page(node_url)

    compared = {"families": 0, "series": 0, "counters": 0, "steady gauges": 0}
    for name, (kind, labels) in sorted(node_families.items()):
        if ignored(name) or name in DELIBERATE:
            continue
        compared["families"] += 1
        if name not in ours_families:
            failures.append(f"missing family {name} ({kind}, labels {sorted(labels)})")
            continue
        our_kind, our_labels = ours_families[name]
        if our_kind != kind:
            failures.append(f"{name}: TYPE {our_kind}, node_exporter's {kind}")
        if our_labels != labels:
            failures.append(f"{name}: labels {sorted(our_labels)}, node_exporter's {sorted(labels)}")

    for (sample, labels), low in sorted(before.items(), key=lambda item: (item[0][0], sorted(item[0][1]))):
        family = next((f for f in (sample, sample[:-6] if sample.endswith("_total") else None) if f in node_families), sample)
        if ignored(sample) or family in DELIBERATE or (sample, labels) not in after:
            continue
        kind = node_families.get(family, ("untyped",))[0]
        if family not in ours_families:
            continue  # reported above
        value = ours.get((sample, labels))
        if value is None:
            if family not in SERIES_MAY_DIFFER:
                failures.append(f"missing series {sample}{dict(labels)}")
            continue
        compared["series"] += 1
        if family in OWN:
            continue
        high = after[(sample, labels)]
        slack = 1e-9 * max(abs(low), abs(high), 1)
        if kind == "counter":
            compared["counters"] += 1
            if not (low - slack <= value <= high + slack):
                failures.append(f"counter {sample}{dict(labels)}: {value} not within [{low}, {high}]")
        elif kind == "gauge" and steady(family):
            compared["steady gauges"] += 1
            if abs(value - low) > slack:
                failures.append(f"steady gauge {sample}{dict(labels)}: {value}, node_exporter's {low}")
    print(json.dumps({"compared": compared, "deliberate": DELIBERATE, "failures": failures}, indent=1))
    sys.exit(1 if failures else 0)
finally:
    for process in (agent, node):
        process.kill()
    shutil.rmtree(textfiles, ignore_errors=True)
