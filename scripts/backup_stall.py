"""Writes samples one after another while a backup runs and reports the slowest writes; used by
scripts/bench (the "backup stalls writers < 100 ms" target).

measure(binary, data_dir, port, api_key, "job" | "cli") starts the backup as a server job
(POST /api/v1/backups) or as `labbox backup` beside the server.
"""
import http.client
import json
import os
import subprocess
import threading
import time


def dirty_mib():
    """Written data the kernel has not yet put on disk (Dirty + Writeback in /proc/meminfo)."""
    with open("/proc/meminfo") as meminfo:
        fields = dict(line.split(":", 1) for line in meminfo)
    return sum(int(fields[name].split()[0]) for name in ("Dirty", "Writeback")) / 1024


def settle(limit_mib=8, quiet_seconds=3, timeout=120):
    """Waits until the kernel has held less than `limit_mib` of unwritten data for `quiet_seconds`
    in a row (at most `timeout` seconds); returns the seconds waited."""
    started = quiet_since = time.perf_counter()
    while time.perf_counter() - started < timeout:
        now = time.perf_counter()
        if dirty_mib() >= limit_mib:
            quiet_since = now
        elif now - quiet_since >= quiet_seconds:
            break
        time.sleep(0.2)
    return time.perf_counter() - started


def measure(binary, data, port, key, mode):
    headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
    writes = []  # (start, seconds)
    stop = threading.Event()

    def writer():
        connection = http.client.HTTPConnection("127.0.0.1", port)
        index = 0
        while not stop.is_set():
            body = json.dumps({"external_id": f"STALL-{mode}-{port}-{index}", "species": "bovine",
                               "kind": "semen", "collected_at": "2026-03-01T09:30:00Z"})
            started = time.perf_counter()
            connection.request("POST", "/api/v1/samples", body, headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 201, response.status
            writes.append((started, time.perf_counter() - started))
            index += 1

    phases = []  # (start, the job's progress message), to tell which step of the backup a slow write met

    def backup_job():
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request("POST", "/api/v1/backups", "", headers)
        job = json.loads(connection.getresponse().read())["id"]
        while True:
            connection.request("GET", f"/api/v1/jobs/{job}", headers=headers)
            state = json.loads(connection.getresponse().read())
            if state["state"] not in ("queued", "running"):
                return state["message"]
            if not phases or phases[-1][1] != state["message"]:
                phases.append((time.perf_counter(), state["message"]))
            time.sleep(0.1)

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(3)
    began = time.perf_counter()
    if mode == "job":
        outcome = backup_job()
    else:
        outcome = subprocess.run([binary, "backup", "--data", data], capture_output=True, text=True).stdout.strip()
    ended = time.perf_counter()
    time.sleep(1)
    stop.set()
    thread.join()
    before = [seconds for started, seconds in writes if started < began]
    during = sorted((seconds for started, seconds in writes if began <= started <= ended), reverse=True)
    slowest_by_phase = {}
    for started, seconds in writes:
        if began <= started <= ended:
            phase = next((message for start, message in reversed(phases) if start <= started), "before its first report")
            slowest_by_phase[phase] = max(slowest_by_phase.get(phase, 0.0), round(seconds * 1000, 1))
    return {"mode": mode, "outcome": outcome[:120], "backup_seconds": ended - began,
            "database_mib": os.path.getsize(os.path.join(data, "labbox.db")) / (1 << 20),
            "writes_before": len(before), "slowest_before_ms": max(before) * 1000,
            "writes_during": len(during), "slowest_during_ms": during[0] * 1000 if during else 0.0,
            "p99_during_ms": during[len(during) // 100] * 1000 if during else 0.0,
            "slowest_by_phase_ms": slowest_by_phase}
