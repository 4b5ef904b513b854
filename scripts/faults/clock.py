"""The wall clock jumps an hour back, then an hour ahead of true time, while the server runs.

libfaketime moves the wall clock of one process (the monotonic clock stays true, as it does when an
administrator or NTP sets the time). It works through LD_PRELOAD, so it cannot reach the release
binary, which is linked statically: this drill runs the same code as a dynamically linked build
(FAULTS_DYNAMIC_BINARY, by default the debug build `swift test` leaves in .build/debug/labbox)."""
import os
import shutil
import sqlite3
import time

from harness import LabBox, Server, Skipped, expect, request, sample

SCHEDULE_TICK = 20  # Scheduler.checkInterval


def dynamic_binary():
    binary = os.environ.get("FAULTS_DYNAMIC_BINARY", ".build/debug/labbox")
    if not os.access(binary, os.X_OK):
        raise Skipped(f"no dynamically linked labbox at {binary} (set FAULTS_DYNAMIC_BINARY or run swift build)")
    with open(binary, "rb") as file:
        # A dynamically linked executable names its loader in its first pages (PT_INTERP).
        if b"ld-linux" not in file.read(1 << 16):
            raise Skipped(f"{binary} is linked statically; libfaketime cannot move its clock")
    if not shutil.which("faketime"):
        raise Skipped("libfaketime is not installed (scripts/install-deps faults)")
    return os.path.realpath(binary)


class FakeClock:
    """The server's wall clock is true time plus `offset` seconds, changeable while it runs."""

    def __init__(self, path):
        self.path = path
        self.set(0)

    def set(self, offset):
        with open(self.path + ".new", "w") as file:
            file.write(f"{offset:+.0f}\n")
        os.replace(self.path + ".new", self.path)
        time.sleep(0.3)

    def environment(self):
        # The wrapper sets up libfaketime's shared state; FAKETIME itself would win over the file.
        return {"FAKETIME_TIMESTAMP_FILE": self.path, "FAKETIME_NO_CACHE": "1",
                "FAKETIME_DONT_FAKE_MONOTONIC": "1"}


class ClockServer(Server):
    def __init__(self, labbox, data, clock, env):
        self.command_prefix = ["faketime", "-f", "+0", "env", "-u", "FAKETIME",
                               *[f"{k}={v}" for k, v in clock.environment().items()]]
        super().__init__(labbox, data, env)

    def command(self, binary):
        return [*self.command_prefix, binary]

    def pid(self):
        # faketime waits for its child and passes no signal on: the child is the server.
        with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as children:
            return int(children.read().split()[0])


def runs(data):
    connection = sqlite3.connect(f"file:{os.path.join(data, 'labbox.db')}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT id, created_at, started_at, finished_at FROM jobs WHERE schedule = "
                                  "'retention' ORDER BY id").fetchall()
    finally:
        connection.close()


def clock_jumps(labbox, work, report):
    labbox = LabBox(dynamic_binary())
    data = os.path.join(work, "clock")
    key = labbox.prepare(data)
    password = "Clock-drill-7f3a9c2e"
    labbox.run("user", "create", "--email", "tech@example.org", "--role", "technician", "--password-stdin",
               data=data, stdin=password + "\n")
    clock = FakeClock(os.path.join(work, "faketime"))
    environment = {"LABBOX_SCHEDULE_RETENTION": "* * * * *", "LABBOX_LIMITS_REQUESTS_PER_SECOND": "20",
                   "LABBOX_LIMITS_BURST": "40"}
    # Ten seconds before a minute's end, so that the every-minute schedule comes due at the
    # scheduler's next look; the start itself queues nothing.
    start = 60 - time.time() % 60 - 10
    clock.set(start)
    server = ClockServer(labbox, data, clock, environment)

    def create(name):
        status, body, _ = request(server.port, key, "POST", "/api/v1/samples", sample(name))
        expect(status == 201, f"creating {name} answered {status}: {body!r:.200}")

    try:
        status, tokens, _ = request(server.port, None, "POST", "/api/v1/auth/token",
                                    {"email": "tech@example.org", "password": password})
        expect(status == 200, f"signing in answered {status}: {tokens!r:.200}")
        create("CLOCK-before")
        deadline = time.monotonic() + SCHEDULE_TICK + 15
        while not runs(data) and time.monotonic() < deadline:
            time.sleep(1)
        expect(len(runs(data)) == 1, f"the every-minute schedule ran {len(runs(data))} times in its first minute")

        clock.set(start - 3600)
        create("CLOCK-an-hour-back")
        status, body, _ = request(server.port, tokens["access_token"], "GET", "/api/v1/auth/me")
        expect(status == 200, f"an access token after the clock went back answered {status}: {body!r:.200}")
        # libfaketime also shifts the timers the scheduler sleeps on, so its next look cannot be
        # waited for here; a restart looks at once, with the clock as it is.
        server.stop()
        server = ClockServer(labbox, data, clock, environment)
        expect(len(runs(data)) == 1, f"the schedule ran again after the clock went back an hour: {runs(data)}")
        report("an hour back: no second run of the schedule, the access token still works, writes audited")

        # An hour ahead, landing five seconds into a minute: the old server's timer (also moved) and
        # the new server's first look then fall in the same minute of the every-minute schedule, so
        # a second run would be a second catch-up, not the next minute's rightful run.
        clock.set(3600 + (65 - time.time() % 60) % 60)
        create("CLOCK-an-hour-ahead")
        status, body, _ = request(server.port, tokens["access_token"], "GET", "/api/v1/auth/me")
        expect(status == 401 and isinstance(body, dict) and "error" in body,
               f"a 15-minute access token an hour later answered {status}: {body!r:.200}")
        status, refreshed, _ = request(server.port, None, "POST", "/api/v1/auth/refresh",
                                       {"refresh_token": tokens["refresh_token"]})
        expect(status == 200, f"refreshing an hour later answered {status}: {refreshed!r:.200}")
        server.stop()
        server = ClockServer(labbox, data, clock, environment)
        # The scheduler's first look runs beside the listener, so the catch-up may land just after
        # the server answers; a second catch-up would show within the same wait.
        deadline = time.monotonic() + 10
        while len(runs(data)) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1)
        expect(len(runs(data)) == 2, f"an hour ahead the schedule should run once for the missed hour: {runs(data)}")
        report("an hour ahead: the expired access token is refused (401), refresh works, the schedule ran once "
               "for the missed hour")

        refused = sum(request(server.port, key, "GET", "/api/v1/samples?limit=1")[0] == 429 for _ in range(80))
        time.sleep(1.5)
        status = request(server.port, key, "GET", "/api/v1/samples?limit=1")[0]
        expect(refused > 0 and status == 200, f"rate limit after the jumps: {refused} of 80 refused, then {status}")
        report(f"rate limit: {refused} of 80 quick requests refused, served again 1.5 s later (monotonic clock)")
        deadline = time.monotonic() + 10
        while any(finished is None for *_, finished in runs(data)) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        server.stop()
    for job, created, started, finished in runs(data):
        expect(started and finished and finished >= started,
               f"job {job} did not run, or ended before it began: started {started}, finished {finished}")
    output = labbox.check(data)
    report("job times never run backwards; labbox check passes: "
           + next(line for line in output.splitlines() if "audit_chain" in line).strip())
