"""Writes samples one after another while a backup runs; prints the slowest writes.

Usage: backup_stall.py BINARY DATA_DIR PORT API_KEY job|cli  (see scripts/bench-backup-stall)
"""
import http.client
import json
import subprocess
import sys
import threading
import time

binary, data, port, key, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
writes = []  # (start, seconds)
stop = threading.Event()


def writer():
    connection = http.client.HTTPConnection("127.0.0.1", port)
    index = 0
    while not stop.is_set():
        body = json.dumps({"external_id": f"STALL-{mode}-{index}", "species": "bovine", "kind": "semen",
                           "collected_at": "2026-03-01T09:30:00Z"})
        started = time.perf_counter()
        connection.request("POST", "/api/v1/samples", body, headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 201, response.status
        writes.append((started, time.perf_counter() - started))
        index += 1


def backup_job():
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("POST", "/api/v1/backups", "", headers)
    job = json.loads(connection.getresponse().read())["id"]
    while True:
        connection.request("GET", f"/api/v1/jobs/{job}", headers=headers)
        state = json.loads(connection.getresponse().read())
        if state["state"] not in ("queued", "running"):
            return state["message"]
        time.sleep(0.2)


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
print(f"{mode}: {outcome[:90]}")
print(f"  backup {ended - began:.1f} s; writes before: {len(before)}, slowest {max(before) * 1000:.1f} ms; "
      f"during: {len(during)}, slowest {during[0] * 1000:.1f} ms, p99 {during[len(during) // 100] * 1000:.1f} ms")
