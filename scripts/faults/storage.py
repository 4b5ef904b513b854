"""Drills on the data directory's storage: the disk fills up, or the file system turns read-only
under the running server."""
import contextlib
import os
import subprocess
import time

from harness import DrillFailed, Load, Server, Skipped, api_error_problems, expect, missing_acks, request


def sh(*args):
    return subprocess.run(args, capture_output=True, text=True)


@contextlib.contextmanager
def mounted(directory, *mount_args):
    os.makedirs(directory, exist_ok=True)
    result = sh("mount", *mount_args, directory)
    if result.returncode != 0:
        raise Skipped(f"cannot mount here (mount {' '.join(mount_args)}: {result.stderr.strip()}); run as root "
                      "on a machine that allows mounts")
    try:
        yield directory
    finally:
        for _ in range(50):
            if sh("umount", directory).returncode == 0:
                break
            time.sleep(0.1)


def fill(directory):
    """Writes a filler file until the file system refuses; returns its path."""
    path = os.path.join(directory, "filler")
    with open(path, "wb", buffering=0) as file:
        for size in (1 << 20, 4096, 512):
            try:
                while True:
                    file.write(b"\0" * size)
            except OSError:
                pass
    return path


def refused_writes(load, statuses, code, count=5):
    """Waits for `count` refused creates and checks each is one of `statuses` with the JSON body and
    the error code `code`."""
    load.wait_for(lambda l: len(l.refusals) >= count, 30, f"{count} refused writes")
    with load.lock:
        refusals = list(load.refusals)
    for status, body in refusals:
        problem = api_error_problems(status, body, statuses)
        expect(problem is None, f"a refused write: {problem}")
        expect(body["error"]["code"] == code, f"error code {body['error']['code']}, expected {code}")
    return refusals[0]


def reads_work(server, key, some_ack):
    status, body, _ = request(server.port, key, "GET", "/api/v1/samples?limit=5")
    expect(status == 200, f"listing samples answered {status}: {body!r:.200}")
    status, body, _ = request(server.port, key, "GET", f"/api/v1/samples?q={some_ack}")
    expect(status == 200, f"searching a sample answered {status}: {body!r:.200}")
    expect(request(server.port, None, "GET", "/healthz")[0] == 200, "/healthz is not 200")


def readiness(server, ok, seconds=5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, body, _ = request(server.port, None, "GET", "/readyz")
        if (status == 200) == ok:
            return body
        time.sleep(0.2)
    raise DrillFailed(f"/readyz still answers {status} {body!r:.200} after {seconds} s")


def disk_full(labbox, work, report):
    """A small tmpfs data directory fills up while clients write."""
    data = os.path.join(work, "full")
    with mounted(data, "-t", "tmpfs", "-o", "size=48m", "tmpfs"):
        key = labbox.prepare(data)
        server = Server(labbox, data)
        try:
            load = Load(server.port, key, prefix="FULL")
            load.wait_for(lambda l: len(l.acks) >= 200, 30, "200 creates before the disk fills")
            filler = fill(data)
            status, body = refused_writes(load, (507,), "insufficient_storage")
            report(f"full disk: writes answer {status} {body['error']['code']}: {body['error']['message']}")
            with load.lock:
                some_ack = load.acks[len(load.acks) // 2]
            reads_work(server, key, some_ack)
            readiness(server, ok=False)
            report("full disk: reads answer 200, /readyz 503")
            os.remove(filler)
            refused = len(load.refusals)
            with load.lock:
                acked = len(load.acks)
            load.wait_for(lambda l: len(l.acks) >= acked + 100, 30, "creates after the space came back")
            # Stopped before readiness is asked: four clients at full speed fill 48 MB again soon.
            load.stop()
            if os.environ.get("FAULTS_DEBUG"):
                print(sh("df", data).stdout, sh("ls", "-la", data).stdout)
            readiness(server, ok=True, seconds=15)
            report(f"full disk: recovered by itself once space returned ({refused} writes refused meanwhile)")
        finally:
            exit_status = server.stop()
        expect(exit_status == 0, f"the server exited {exit_status} on SIGTERM:\n{server.output()}")
        missing = missing_acks(os.path.join(data, "labbox.db"), load.acks)
        expect(not missing, f"{len(missing)} acknowledged creates lost, e.g. {missing[:3]}")
        labbox.check(data)
        report(f"full disk: all {len(load.acks)} acknowledged creates present, labbox check passes")


def read_only(labbox, work, report):
    """The file system under the data directory turns read-only, as ext4 does on an error with
    errors=remount-ro (a plain `mount -o remount,ro` is refused while the server holds files open
    for writing)."""
    image = os.path.join(work, "ext4.img")
    with open(image, "wb") as file:
        file.truncate(96 << 20)
    result = sh("mkfs.ext4", "-q", "-F", image)
    if result.returncode != 0:
        raise Skipped(f"mkfs.ext4 failed: {result.stderr.strip()}")
    data = os.path.join(work, "readonly")
    with mounted(data, "-o", "loop,errors=remount-ro", image):
        device = next(line.split()[0] for line in open("/proc/mounts") if line.split()[1] == data)
        trigger = f"/sys/fs/ext4/{os.path.basename(device)}/trigger_fs_error"
        if not os.path.exists(trigger):
            raise Skipped(f"{trigger} is missing: this kernel cannot be told to turn ext4 read-only")
        key = labbox.prepare(data)
        server = Server(labbox, data)
        try:
            load = Load(server.port, key, prefix="RO")
            load.wait_for(lambda l: len(l.acks) >= 200, 30, "200 creates before the remount")
            with open(trigger, "w") as file:
                file.write("fault drill")
            status, body = refused_writes(load, (503,), "read_only")
            report(f"read-only: writes answer {status} {body['error']['code']}: {body['error']['message']}")
            with load.lock:
                some_ack = load.acks[len(load.acks) // 2]
            reads_work(server, key, some_ack)
            readiness(server, ok=False)
            report("read-only: reads answer 200, /readyz 503")
            load.stop()
        finally:
            server.stop()
    # The operator's way back: unmount, repair, mount; the server then starts and accepts writes.
    sh("e2fsck", "-fy", image)
    with mounted(data, "-o", "loop,errors=remount-ro", image):
        missing = missing_acks(os.path.join(data, "labbox.db"), load.acks)
        expect(not missing, f"{len(missing)} acknowledged creates lost, e.g. {missing[:3]}")
        labbox.check(data)
        server = Server(labbox, data)
        try:
            status, body, _ = request(server.port, key, "POST", "/api/v1/samples", {
                "external_id": "RO-after", "species": "bovine", "kind": "semen",
                "collected_at": "2026-03-01T09:30:00Z"})
            expect(status == 201, f"a create after the repair answered {status}: {body!r:.200}")
        finally:
            server.stop()
    report(f"read-only: all {len(load.acks)} acknowledged creates present after e2fsck, labbox check passes, "
           "writes work again")
