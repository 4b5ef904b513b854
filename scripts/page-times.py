"""Server time of every web page on a demo dataset (issue 25: each page < 100 ms on 1M samples).

Builds a demo dataset, serves it as installed (access log on), signs in as an admin, crawls one URL
per route pattern from the home page (as the browser tests' crawl does) and requests each page
--repeat times. The server's own time is the access log's duration_ms, matched to each request by
its X-Request-Id, so the network and the client are not in the figure. Writes pages.md and
pages.json to --out, slowest first.
"""
import argparse
import atexit
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode, urlsplit, parse_qs

SKIPPED = ("/api/", "/static/", "/healthz", "/readyz", "/metrics", "/logout", "/forgot", "/reset")
EMAIL, PASSWORD = "pages@lab.example", "page-times-passphrase-42"

arguments = argparse.ArgumentParser()
arguments.add_argument("binary")
arguments.add_argument("--samples", type=int, default=1_000_000)
arguments.add_argument("--repeat", type=int, default=5)
arguments.add_argument("--out", default="bench-output")
arguments.add_argument("--data", help="an existing demo data directory (skips creating one)")
options = arguments.parse_args()

work = tempfile.mkdtemp()
atexit.register(shutil.rmtree, work, True)
data = options.data or os.path.join(work, "data")
if not options.data:
    started = time.perf_counter()
    subprocess.run([options.binary, "demo-data", "--data", data, "--samples", str(options.samples)], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"demo data: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    subprocess.run([options.binary, "user", "create", "--data", data, "--email", EMAIL, "--role", "admin",
                    "--name", "Page Times", "--password-stdin"], input=PASSWORD + "\n", text=True, check=True,
                   stdout=subprocess.DEVNULL)

port = 19000 + os.getpid() % 1000
server = subprocess.Popen([options.binary, "serve", "--data", data, "--port", str(port)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=dict(os.environ, LABBOX_LIMITS_REQUESTS_PER_SECOND="100000",
                                   LABBOX_LIMITS_BURST="1000000"))
atexit.register(server.kill)  # a failed run must not leave the server running
durations = {}  # request id -> server milliseconds


def drain():
    for line in server.stdout:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("msg") == "request" and "request_id" in entry:
            durations[entry["request_id"]] = float(entry["duration_ms"])


threading.Thread(target=drain, daemon=True).start()
cookie = ""


def request(method, path, body=None):
    global cookie
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body, headers)
    response = connection.getresponse()
    payload = response.read()
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("labbox_session="):
            cookie = value.split(";")[0]
    connection.close()
    return response, payload


for _ in range(3000):
    try:
        if request("GET", "/readyz")[0].status == 200:
            break
    except OSError:
        time.sleep(0.01)
response, _ = request("POST", "/login", urlencode({"email": EMAIL, "password": PASSWORD, "next": "/"}))
if not cookie:
    sys.exit(f"sign-in failed: {response.status}")


def route_pattern(url):
    parts = urlsplit(url)
    path = "/".join("{id}" if segment.isdigit() else segment for segment in parts.path.split("/"))
    tab = parse_qs(parts.query).get("tab")
    return path + (f"?tab={tab[0]}" if tab else "")


# One URL per route pattern (and tab), breadth first from the home page.
pages, queue, seen, failures = {}, ["/"], set(), []
while queue:
    url = queue.pop(0)
    if url in seen:
        continue
    seen.add(url)
    response, payload = request("GET", url)
    if response.status >= 500:
        failures.append(f"{url}: {response.status}")
    if response.status != 200 or "text/html" not in (response.getheader("Content-Type") or ""):
        continue
    pages.setdefault(route_pattern(url), url)
    for href in re.findall(r'<a [^>]*href="(/[^"#]*)"', payload.decode()):
        href = href.replace("&amp;", "&")
        if href.startswith(SKIPPED) or " download" in href or route_pattern(href) in pages:
            continue
        if route_pattern(href) not in {route_pattern(queued) for queued in queue}:
            queue.append(href)

results = []
for pattern, url in sorted(pages.items()):
    times = []
    for _ in range(options.repeat):
        response, _ = request("GET", url)
        request_id = response.getheader("X-Request-Id")
        for _ in range(200):  # the log line is written after the response
            if request_id in durations:
                break
            time.sleep(0.005)
        times.append(durations.get(request_id, float("nan")))
    results.append({"pattern": pattern, "url": url, "median_ms": round(statistics.median(times), 1),
                    "max_ms": round(max(times), 1)})
server.terminate()
server.wait(30)

results.sort(key=lambda result: -result["median_ms"])
os.makedirs(options.out, exist_ok=True)
with open(os.path.join(options.out, "pages.json"), "w") as file:
    json.dump(results, file, indent=1)
with open(os.path.join(options.out, "pages.md"), "w") as file:
    file.write(f"{len(results)} pages, {options.repeat} requests each, server time from the access log\n\n")
    file.write("| page | example | median ms | slowest ms |\n|---|---|---|---|\n")
    for result in results:
        file.write(f"| `{result['pattern']}` | `{result['url']}` | {result['median_ms']} | {result['max_ms']} |\n")
print(open(os.path.join(options.out, "pages.md")).read())
if failures:
    sys.exit("pages that failed: " + ", ".join(failures))
