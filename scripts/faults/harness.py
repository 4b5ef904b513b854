"""What every fault drill needs: a prepared data directory, the server as a child process, write
load that records each acknowledged create, and the checks that nothing acknowledged was lost."""
import hashlib
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import threading
import time


# A data directory made by release 0.1.0 (Tests/LabBoxTests/App/UpgradeTests.swift).
FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "fixtures", "labbox-0.1.0.db")


class DrillFailed(Exception):
    pass


class Skipped(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise DrillFailed(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_environment():
    """This process's environment without LABBOX_ settings: the binary refuses names it does not
    know (LABBOX_RELEASE_BINARY), and a drill sets the ones it means."""
    return {name: value for name, value in os.environ.items() if not name.startswith("LABBOX_")}


class LabBox:
    """The binary under test and the shell commands run with it."""

    def __init__(self, binary):
        self.binary = binary

    def run(self, *args, data, check=True, stdin=None, timeout=120):
        result = subprocess.run([self.binary, *args, "--data", data], input=stdin, capture_output=True,
                                text=True, timeout=timeout, env=clean_environment())
        if check and result.returncode != 0:
            raise DrillFailed(f"labbox {' '.join(args)} exited {result.returncode}: {result.stdout}{result.stderr}")
        return result

    def prepare(self, data):
        """A migrated data directory with an admin; returns an admin API key."""
        os.makedirs(data, exist_ok=True)
        self.run("migrate", data=data)
        password = f"Kx{random.getrandbits(64):x}-lab-key"
        self.run("user", "create", "--email", "drill@example.org", "--role", "admin", "--password-stdin",
                 data=data, stdin=password + "\n")
        return self.run("apikey", "create", "--name", "drill", "--scopes", "admin", "--user",
                        "drill@example.org", data=data).stdout.strip().split()[-1]

    def check(self, data):
        """`labbox check` must pass."""
        return self.run("check", data=data).stdout


class Server:
    """`labbox serve` on a data directory, logging to <data>.log."""

    def __init__(self, labbox, data, env=None):
        self.data, self.port = data, free_port()
        self.log = open(data.rstrip("/") + ".log", "ab")
        # One client sends everything, so the rate limit stands aside unless a drill sets it.
        environment = dict(clean_environment(), LABBOX_LIMITS_REQUESTS_PER_SECOND="100000",
                           LABBOX_LIMITS_BURST="1000000", LABBOX_SECURITY_AUTO_BLOCK_MINUTES="0")
        environment.update(env or {})
        self.process = subprocess.Popen([*self.command(labbox.binary), "serve", "--data", data, "--port", str(self.port)],
                                        stdout=self.log, stderr=subprocess.STDOUT, env=environment)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DrillFailed(f"the server exited {self.process.returncode} at start:\n{self.output()}")
            try:
                if request(self.port, None, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise DrillFailed(f"the server did not start:\n{self.output()}")

    def command(self, binary):
        """How the binary is started (a drill may put a wrapper before it)."""
        return [binary]

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log.name, errors="replace") as file:
            return file.read()[-4000:]

    def pid(self):
        """The server's process id (a wrapper's child, if the drill put one before it)."""
        return self.process.pid

    def rss_kib(self):
        with open(f"/proc/{self.pid()}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

    def stop(self):
        """SIGTERM, as systemd stops it; returns the exit status."""
        if self.process.poll() is None:
            os.kill(self.pid(), signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise DrillFailed("the server did not stop within 30 s of SIGTERM")
        self.log.close()
        return self.process.returncode


def request(port, key, method, path, body=None, connection=None, timeout=30):
    """(status, parsed JSON or raw bytes, headers)."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    try:
        connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = connection.getresponse()
        raw = response.read()
    finally:
        if own:
            connection.close()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw
    return response.status, parsed, response.headers


def sample(external_id):
    return {"external_id": external_id, "species": "bovine", "kind": "semen", "collected_at": "2026-03-01T09:30:00Z"}


class Load:
    """Clients creating samples (and, with `reads`, listing them in between) until stopped. Every
    201 is an acknowledged create; every other answer is kept as a refusal (status, body)."""

    def __init__(self, port, key, clients=4, prefix="DRILL", per_second=None, reads=False):
        self.port, self.key, self.prefix, self.reads = port, key, prefix, reads
        self.interval = clients / per_second if per_second else 0
        self.acks, self.refusals, self.read_errors, self.broken = [], [], [], []
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(clients)]
        for thread in self.threads:
            thread.start()

    def client(self, number):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        index, next_at = 0, time.monotonic()
        while not self.stopping.is_set():
            external = f"{self.prefix}-{number}-{index}"
            index += 1
            try:
                status, body, _ = request(self.port, self.key, "POST", "/api/v1/samples", sample(external), connection)
                if self.reads:
                    read_status, _, _ = request(self.port, self.key, "GET", "/api/v1/samples?limit=20", None,
                                                connection)
                    if read_status != 200:
                        self.read_errors.append(read_status)
            except (OSError, http.client.HTTPException) as error:
                self.broken.append(repr(error))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                time.sleep(0.1)
                continue
            with self.lock:
                if status == 201:
                    self.acks.append(external)
                else:
                    self.refusals.append((status, body))
            if status != 201:
                time.sleep(0.05)
            if self.interval:
                next_at += self.interval
                time.sleep(max(0.0, next_at - time.monotonic()))

    def wait_for(self, predicate, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                if predicate(self):
                    return
            time.sleep(0.05)
        raise DrillFailed(f"waited {seconds} s for {what}")

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)
        return self


def api_error_problems(status, body, statuses):
    """What is wrong with a refusal that should be one of `statuses` with the JSON error body."""
    if status not in statuses:
        return f"status {status} (expected {' or '.join(map(str, statuses))}): {body!r:.300}"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not all(error.get(k) for k in ("code", "message", "request_id")):
        return f"status {status} without a JSON error body: {body!r:.300}"
    return None


def missing_acks(database, acks):
    """The acknowledged external ids absent from the database file (server stopped)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        present = {row[0] for row in connection.execute("SELECT external_id FROM samples")}
    finally:
        connection.close()
    return [external for external in acks if external not in present]


def file_hashes(directory):
    """SHA-256 of every file under `directory` (relative path → hex)."""
    hashes = {}
    for root, _, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as file:
                hashes[os.path.relpath(path, directory)] = hashlib.sha256(file.read()).hexdigest()
    return hashes
