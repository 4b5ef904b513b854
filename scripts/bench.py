"""The benchmark harness behind scripts/bench: dataset, server, wrk scenarios, non-HTTP
measurements; writes bench.json and bench.md into the output directory.

Usage: bench.py BINARY WORK_DIR OUT_DIR SAMPLES SECONDS CONNECTIONS INVOICES
"""
import atexit
import hashlib
import http.client
import json
import os
import platform
import random
import subprocess
import sys
import threading
import time

import backup_stall

binary, work, out = sys.argv[1], sys.argv[2], sys.argv[3]
samples, seconds, connections = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
invoices = int(sys.argv[7])
data = os.path.join(work, "data")
results = {"http": [], "other": []}


def other(name, value, unit, target=None, note=""):
    results["other"].append({"name": name, "value": value, "unit": unit, "target": target, "note": note})
    print(f"  {name}: {value} {unit}" + (f" (target {target})" if target else ""), flush=True)


def rss(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    """User plus system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_check():
    """Milliseconds for one core to hash 256 MiB: the same work, timed at the start and the end of
    a run, shows whether the virtual machine itself was faster or slower in between."""
    block = bytes(1 << 20)
    started = time.perf_counter()
    digest = hashlib.sha256()
    for _ in range(256):
        digest.update(block)
    return round((time.perf_counter() - started) * 1000)


machine_at_start = machine_check()

# Dataset ------------------------------------------------------------------------------------
started = time.perf_counter()
subprocess.run([binary, "demo-data", "--data", data, "--samples", str(samples), "--opu-sessions", "0"], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
other(f"demo-data --samples {samples}", round(time.perf_counter() - started, 1), "s",
      "< 60 s at 1,000,000")
key = subprocess.run([binary, "apikey", "create", "--data", data, "--name", "bench", "--scopes",
                      "samples:read,samples:write,admin"], check=True, capture_output=True,
                     text=True).stdout.strip().splitlines()[-1]
headers = {"Authorization": "Bearer " + key}
environment = dict(os.environ, LABBOX_LIMITS_REQUESTS_PER_SECOND="100000", LABBOX_LIMITS_BURST="1000000",
                   LABBOX_SERVER_MAX_BODY_BYTES=str(256 << 20))
port = 18000 + random.randrange(1000)

# Cold start and idle memory -------------------------------------------------------------------
# The server runs as installed: default log level (one JSON access-log line per request) and its
# output to a pipe that a reader drains, as journald does.
log_lines = [0]


def start_server(*extra, directory=None):
    process = subprocess.Popen([binary, "serve", "--data", directory or data, "--port", str(port), *extra],
                               env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    atexit.register(process.kill)  # a failed measurement must not leave the server running

    def drain():
        while chunk := process.stdout.read1(1 << 16):
            log_lines[0] += chunk.count(b"\n")

    threading.Thread(target=drain, daemon=True).start()
    return process


def request(method, path, body=None, extra=None, timeout=600):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request(method, path, body, dict(headers, **(extra or {})))
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, payload


def wait_ready(process):
    while True:
        if process.poll() is not None:
            sys.exit(f"labbox serve exited with {process.returncode}")
        try:
            if request("GET", "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.002)


def stop_server(process):
    process.terminate()
    process.wait(30)


started = time.perf_counter()
server = start_server()


wait_ready(server)
other("cold start to /readyz", round((time.perf_counter() - started) * 1000), "ms", "< 200 ms")
time.sleep(2)
other("idle RSS after start", round(rss(server.pid), 1), "MiB", "< 40 MiB")

# Export: streamed, peak resident memory sampled while it runs --------------------------------
peak = [0.0]
exporting = threading.Event()
exporting.set()


def sample_rss():
    while exporting.is_set():
        peak[0] = max(peak[0], rss(server.pid))
        time.sleep(0.01)


sampler = threading.Thread(target=sample_rss)
sampler.start()
started = time.perf_counter()
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
connection.request("GET", "/api/v1/samples/export", headers=headers)
response = connection.getresponse()
lines = 0
while chunk := response.read(1 << 16):
    lines += chunk.count(b"\n")
exporting.clear()
sampler.join()
other(f"CSV export of {lines - 1} samples", round(time.perf_counter() - started, 1), "s",
      note=f"peak RSS {peak[0]:.1f} MiB (target < 64 MiB)")
results["export_peak_rss_mib"] = round(peak[0], 1)

# HTTP scenarios with wrk ---------------------------------------------------------------------
lua_common = f"""
wrk.headers["Authorization"] = "Bearer {key}"
wrk.headers["Content-Type"] = "application/json"
math.randomseed(os.time())
local counter = 0
local prefix = "W" .. os.time() .. "-" .. math.random(1000000) .. "-"
function create()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/samples", nil, '{{"external_id":"' .. prefix .. counter ..
    '","species":"bovine","kind":"semen","collected_at":"2026-03-01T09:30:00Z"}}')
end
function by_id() return wrk.format("GET", "/api/v1/samples/" .. math.random(1, {samples})) end
done = function(summary, latency, requests)
  local errors = summary.errors
  local file = io.open(os.getenv("WRK_JSON"), "w")
  file:write(string.format('{{"requests":%d,"duration_us":%d,"socket_errors":%d,"non_2xx":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}}', summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
  file:close()
end
"""

# Deep cursors: walk the filtered list to its end and keep every page's cursor.
cursors = []
cursor = None
matching = 0
list_path = "/api/v1/samples?species=bovine&status=stored&limit=50"
while True:
    status, payload = request("GET", "/api/v1/samples?species=bovine&status=stored&limit=200"
                              + (f"&cursor={cursor}" if cursor else ""))
    assert status == 200, payload
    page = json.loads(payload)
    matching += len(page["items"])
    cursor = page["next_cursor"]
    if not cursor:
        break
    cursors.append(cursor)
deep = cursors[len(cursors) // 2:] or [""]
other("rows matching species=bovine&status=stored", matching, "rows")

healthz = "request = function() return wrk.format('GET', '/healthz') end"
scenarios = [
    ("GET /healthz", healthz),
    ("GET /api/v1/samples/{random id}", "request = by_id"),
    ("GET " + list_path, f"request = function() return wrk.format('GET', '{list_path}') end"),
    ("same list, random cursor in the second half",
     "local cursors = {" + ",".join(f'"{c}"' for c in deep) + "}\n"
     f"request = function() return wrk.format('GET', '{list_path}&cursor=' .. "
     "cursors[math.random(#cursors)]) end"),
    ("POST /api/v1/samples (durable, audited)", "request = create"),
    ("90% GET by id / 10% POST", "request = function() if math.random() < 0.1 then return create() "
                                 "else return by_id() end end"),
]


def run_scenario(name, body):
    script = os.path.join(work, "scenario.lua")
    with open(script, "w") as file:
        file.write(lua_common + body + "\n")
    output = os.path.join(work, "wrk.json")
    cpu_before = cpu_seconds(server.pid)
    subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script,
                    f"http://127.0.0.1:{port}/"], check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, WRK_JSON=output))
    with open(output) as file:
        run = json.load(file)
    run["name"] = name
    run["requests_per_second"] = round(run["requests"] / (run["duration_us"] / 1e6))
    run["server_cpu_us_per_request"] = round((cpu_seconds(server.pid) - cpu_before) * 1e6 / max(run["requests"], 1))
    results["http"].append(run)
    print(f"  {name}: {run['requests_per_second']} req/s, p50 {run['p50_us'] / 1000:.2f} ms, "
          f"p95 {run['p95_us'] / 1000:.2f} ms, p99 {run['p99_us'] / 1000:.2f} ms, "
          f"errors {run['socket_errors'] + run['non_2xx']}, {run['server_cpu_us_per_request']} µs CPU", flush=True)


for name, body in scenarios:
    run_scenario(name, body)
lines_before = log_lines[0]
status, payload = request("GET", "/metrics")
dropped = next((line.split()[-1] for line in payload.decode().splitlines()
                if line.startswith("labbox_log_dropped_lines_total")), "0")
other("access-log lines read from the server's stdout", lines_before, "lines",
      note=f"{dropped} dropped (labbox_log_dropped_lines_total)")

# The access log's own cost: /healthz again on a server that logs only warnings and worse.
stop_server(server)
server = start_server("--log-level", "warning")
wait_ready(server)
run_scenario("GET /healthz, access log off (log.level = warning)", healthz)
stop_server(server)
server = start_server()
wait_ready(server)

# CSV import of 100k rows (all-or-nothing, validated) ------------------------------------------
import_rows = max(samples // 10, 1000)
rows = ["external_id,species,kind,status,collected_at,notes"]
species = ["bovine", "equine", "ovine", "caprine"]
for index in range(import_rows):
    rows.append(f"IMP-{port}-{index},{species[index % 4]},semen,received,2026-03-01T09:30:00Z,bench row {index}")
started = time.perf_counter()
status, payload = request("POST", "/api/v1/samples/import", "\n".join(rows) + "\n", {"Content-Type": "text/csv"})
assert status in (200, 201), payload[:500]
assert json.loads(payload)["imported"] == import_rows, payload[:500]
other(f"CSV import of {import_rows} samples", round(time.perf_counter() - started, 1), "s", "< 10 s at 100,000")

# Writers during an online backup --------------------------------------------------------------
# The import leaves a checkpoint of its WAL and the kernel's writeback of both behind it; they hold
# single writes for up to 160 ms on their own. The backup starts once they are done, so that its
# figure is the backup's.
settled = backup_stall.settle()
stall = backup_stall.measure(binary, data, port, key, "job")
other("backup (server job) while writing", round(stall["backup_seconds"], 1), "s",
      note=f"started {settled:.0f} s after the import (waiting for its writes to reach the disk); "
           f"slowest write during {stall['slowest_during_ms']:.1f} ms (target < 100 ms), "
           f"before {stall['slowest_before_ms']:.1f} ms, database {stall['database_mib']:.0f} MiB; by step: "
           + ", ".join(f"{phase} {ms} ms" for phase, ms in stall["slowest_by_phase_ms"].items()))
results["backup"] = stall

stop_server(server)

# Billing: the month-end invoice run and the aging report ---------------------------------------
# A dataset of its own: INVOICES customers with three unbilled charges each, and 10 × INVOICES issued
# invoices over the past year (half of them half paid, a tenth partly credited), seeded by SQL.
billing_data = os.path.join(work, "billing")
subprocess.run([binary, "demo-data", "--data", billing_data, "--customers", "10", "--animals", "10", "--samples", "10",
                "--opu-sessions", "0", "--bench-unbilled", str(invoices), "--bench-open", str(invoices * 10)],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
billing_key = subprocess.run([binary, "apikey", "create", "--data", billing_data, "--name", "bench", "--scopes",
                              "billing:read,billing:write"], check=True, capture_output=True,
                             text=True).stdout.strip().splitlines()[-1]
billing_headers = {"Authorization": "Bearer " + billing_key, "Content-Type": "application/json"}
server = start_server(directory=billing_data)
wait_ready(server)
timings = []
for _ in range(21):
    started = time.perf_counter()
    status, payload = request("GET", "/api/v1/receivables/aging", extra=billing_headers)
    timings.append((time.perf_counter() - started) * 1000)
    assert status == 200, payload[:500]
first, timings = timings[0], sorted(timings[1:])
other(f"aging report over {invoices * 10} invoices", round(timings[len(timings) // 2], 1), "ms", "< 200 ms at 100,000",
      note=f"GET /api/v1/receivables/aging, median of 20 after a first of {first:.1f} ms; slowest {timings[-1]:.1f} ms")
started = time.perf_counter()
status, payload = request("POST", "/api/v1/invoices/run", "{}", billing_headers)
elapsed = time.perf_counter() - started
assert status == 201 and json.loads(payload)["issued"] == invoices, payload[:500]
other(f"invoice run: {invoices} invoices from {invoices * 3} charges", round(elapsed, 1), "s", "< 10 s at 10,000",
      note="POST /api/v1/invoices/run: drafted, numbered, frozen and audited, 250 per transaction")
stop_server(server)
other("binary size", round(os.path.getsize(binary) / (1 << 20), 1), "MiB", "≤ 100 MiB")
other("machine check: one core hashes 256 MiB", f"{machine_at_start} → {machine_check()}", "ms",
      note="at the start → at the end of the run; the same work, so a change is the machine's")

# Report ---------------------------------------------------------------------------------------
with open("/proc/meminfo") as meminfo:
    memory = round(int(meminfo.readline().split()[1]) / (1 << 20))
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
results["machine"] = {"nproc": os.cpu_count(), "ram_gib": memory, "kernel": platform.release()}
results["date"] = time.strftime("%Y-%m-%d")
results["commit"] = commit
results["command"] = " ".join(["scripts/bench", "--samples", str(samples), "--seconds", str(seconds),
                               "--connections", str(connections)])
with open(os.path.join(out, "bench.json"), "w") as file:
    json.dump(results, file, indent=2)
lines = [f"Machine: nproc {os.cpu_count()}, {memory} GiB RAM; {results['date']}, commit {commit}; "
         f"`{results['command']}` (wrk: 1 thread, {connections} connections, {seconds} s per scenario).", "",
         "| scenario | requests/s | p50 ms | p95 ms | p99 ms | errors | server CPU µs/request |",
         "|---|---|---|---|---|---|---|"]
for run in results["http"]:
    lines.append(f"| {run['name']} | {run['requests_per_second']} | {run['p50_us'] / 1000:.2f} | "
                 f"{run['p95_us'] / 1000:.2f} | {run['p99_us'] / 1000:.2f} | "
                 f"{run['socket_errors'] + run['non_2xx']} | {run['server_cpu_us_per_request']} |")
lines += ["", "| measurement | result | target | note |", "|---|---|---|---|"]
for item in results["other"]:
    lines.append(f"| {item['name']} | {item['value']} {item['unit']} | {item['target'] or ''} | {item['note']} |")
with open(os.path.join(out, "bench.md"), "w") as file:
    file.write("\n".join(lines) + "\n")
print("\n".join(lines))
